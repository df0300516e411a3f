package dev.modelserving.job.describe;

/**
 * Writes a {@link SystemPicture} as a Graphviz DOT digraph (left to right): topics as cylinders (streams green,
 * contexts violet), operators as yellow boxes, edges labelled with their message types. Render it with
 * {@code dot -Tsvg}.
 */
final class DotWriter {

    private DotWriter() {}

    static String write(SystemPicture picture) {
        StringBuilder out = new StringBuilder();
        out.append("digraph ").append(quote(picture.title())).append(" {\n");
        out.append("  rankdir=LR;\n");
        out.append("  label=").append(quote(picture.title())).append(";\n");
        out.append("  node [style=filled, fontname=\"Helvetica\"];\n");
        out.append("  edge [fontname=\"Helvetica\", fontsize=10];\n");
        for (PictureNode node : picture.nodes()) {
            out.append("  ")
                    .append(quote(node.id()))
                    .append(" [label=")
                    .append(quote(node.label() + "\n" + node.detail()))
                    .append(", shape=")
                    .append(node.kind() == NodeKind.OPERATOR ? "box" : "cylinder")
                    .append(", fillcolor=")
                    .append(quote(node.kind().fill()))
                    .append(", color=")
                    .append(quote(node.kind().stroke()))
                    .append(", class=")
                    .append(quote(node.kind().styleClass()))
                    .append("];\n");
        }
        for (PictureEdge edge : picture.edges()) {
            out.append("  ")
                    .append(quote(edge.from()))
                    .append(" -> ")
                    .append(quote(edge.to()))
                    .append(" [label=")
                    .append(quote(edge.label()))
                    .append("];\n");
        }
        for (String undeclared : picture.undeclared()) {
            out.append("  // not declared in JobTopic: ")
                    .append(undeclared.replace('\n', ' '))
                    .append('\n');
        }
        out.append("}\n");
        return out.toString();
    }

    /** A DOT string literal: backslashes and quotes escaped, line breaks as {@code \n}. */
    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}

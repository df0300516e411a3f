package dev.modelserving.job.describe;

import java.util.Locale;

/**
 * Writes a {@link SystemPicture} as a Mermaid flowchart (left to right): topics as cylinders (streams green,
 * contexts violet), operators as yellow boxes, edges labelled with their message types.
 */
final class MermaidWriter {

    private MermaidWriter() {}

    static String write(SystemPicture picture) {
        StringBuilder out = new StringBuilder();
        out.append("---\ntitle: ").append(escape(picture.title())).append("\n---\n");
        out.append("flowchart LR\n");
        for (NodeKind kind : NodeKind.values()) {
            out.append(String.format(
                    Locale.ROOT,
                    "  classDef %s fill:%s,stroke:%s,color:#000\n",
                    kind.styleClass(),
                    kind.fill(),
                    kind.stroke()));
        }
        for (PictureNode node : picture.nodes()) {
            String text = "\"" + escape(node.label()) + "<br/><small>" + escape(node.detail()) + "</small>\"";
            String shape = node.kind() == NodeKind.OPERATOR ? "[" + text + "]" : "[(" + text + ")]";
            out.append("  ")
                    .append(node.id())
                    .append(shape)
                    .append(":::")
                    .append(node.kind().styleClass())
                    .append('\n');
        }
        for (PictureEdge edge : picture.edges()) {
            out.append("  ")
                    .append(edge.from())
                    .append(" -->|\"")
                    .append(escape(edge.label()))
                    .append("\"| ")
                    .append(edge.to())
                    .append('\n');
        }
        for (String undeclared : picture.undeclared()) {
            out.append("  %% not declared in JobTopic: ").append(undeclared).append('\n');
        }
        return out.toString();
    }

    /** Mermaid entity codes for the characters that would end a quoted label or start markup. */
    private static String escape(String text) {
        return text.replace("&", "#amp;")
                .replace("\"", "#quot;")
                .replace("<", "#lt;")
                .replace(">", "#gt;")
                .replace("\n", " ");
    }
}

package dev.modelserving.job.describe;

/**
 * The three kinds of things the system is made of, each with its colour in the picture: streams (green), contexts
 * (violet) and nodes, the operators that compute (yellow).
 */
public enum NodeKind {
    /** A topic of data the system produces or consumes. */
    STREAM("stream", "#c8e6c9", "#2e7d32"),
    /** A topic of facts the system uses: models, configurations, machine properties. */
    CONTEXT("context", "#e1bee7", "#6a1b9a"),
    /** An operator of the job. */
    OPERATOR("operator", "#fff59d", "#f9a825");

    private final String styleClass;
    private final String fill;
    private final String stroke;

    NodeKind(String styleClass, String fill, String stroke) {
        this.styleClass = styleClass;
        this.fill = fill;
        this.stroke = stroke;
    }

    /** The name of its style class in Mermaid. */
    public String styleClass() {
        return styleClass;
    }

    /** Fill colour (hex). */
    public String fill() {
        return fill;
    }

    /** Border colour (hex). */
    public String stroke() {
        return stroke;
    }
}

package dev.modelserving.deploy.cli;

import dev.modelserving.proto.OutputKind;

/** The values of {@code --output-kind}: how a model's primary output is read. */
enum OutputKindOption {
    AUTO(OutputKind.OUTPUT_KIND_AUTO),
    REGRESSION(OutputKind.REGRESSION),
    CLASSIFICATION(OutputKind.CLASSIFICATION),
    RAW_VECTOR(OutputKind.RAW_VECTOR);

    private final OutputKind kind;

    OutputKindOption(OutputKind kind) {
        this.kind = kind;
    }

    OutputKind kind() {
        return kind;
    }
}

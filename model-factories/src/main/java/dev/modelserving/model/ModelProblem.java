package dev.modelserving.model;

/** Why a descriptor could not become a serving model. Stable names: they appear in events, dead letters and metrics. */
public enum ModelProblem {
    /** Required descriptor fields are missing or inconsistent (no name, no data type, no artifact, version < 1). */
    INVALID_DESCRIPTOR,
    /** No factory is registered for the descriptor's model type. */
    UNKNOWN_MODEL_TYPE,
    /** The artifact (or an archive's unpacked content) is larger than the configured limit. */
    ARTIFACT_TOO_LARGE,
    /** The artifact location is not under one of the allowed roots. */
    LOCATION_NOT_ALLOWED,
    /** The artifact location does not exist or cannot be read. */
    ARTIFACT_NOT_FOUND,
    /** The artifact's SHA-256 differs from the descriptor's. */
    CHECKSUM_MISMATCH,
    /** The artifact cannot be parsed or loaded by its library (random bytes, truncated, empty, DOCTYPE in PMML). */
    INVALID_ARTIFACT,
    /** An archive entry would escape its folder, is a link, or the archive has too many entries. */
    UNSAFE_ARCHIVE,
    /** The descriptor's input/output spec does not match the model (unknown tensor or field, wrong shape). */
    SPEC_MISMATCH,
    /** The model loaded but does not reproduce its validation samples. */
    VALIDATION_FAILED,
    /** A per-subtask resource bound would be passed (unpacked bytes, data types); the reason names the bound. */
    RESOURCE_LIMIT,
    /** Loading and validating the model took longer than the load deadline; its thread was abandoned. */
    TIMEOUT,
    /**
     * The model would run something the op policy refuses: a TensorFlow op outside the allowlist (file, system or I/O
     * ops such as ReadFile, WriteFile, PrintV2), an ONNX tensor stored as external data or an op from a custom-op
     * domain, or a PMML function that is neither built-in nor defined by the document.
     */
    DISALLOWED_OPERATION
}

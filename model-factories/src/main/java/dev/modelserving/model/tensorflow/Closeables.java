package dev.modelserving.model.tensorflow;

/** Closes native resources in order, every one of them even when some fail. */
final class Closeables {

    private Closeables() {}

    /**
     * Closes each non-null resource in order; failures are collected and the first is rethrown with the others
     * suppressed.
     */
    static void closeAll(Iterable<? extends AutoCloseable> resources) {
        RuntimeException failure = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                RuntimeException wrapped = e instanceof RuntimeException r
                        ? r
                        : new IllegalStateException("cannot close " + resource + ": " + e, e);
                if (failure == null) {
                    failure = wrapped;
                } else {
                    failure.addSuppressed(wrapped);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes resources after {@code primary} made a load fail; close failures are attached to it. */
    static void closeAfterFailure(Exception primary, AutoCloseable... resources) {
        try {
            closeAll(java.util.Arrays.asList(resources));
        } catch (RuntimeException e) {
            primary.addSuppressed(e);
        }
    }
}

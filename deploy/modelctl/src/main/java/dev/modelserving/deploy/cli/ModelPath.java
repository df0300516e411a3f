package dev.modelserving.deploy.cli;

import dev.modelserving.deploy.archive.DirectoryZip;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The model a user points {@code --model} at: its type (given, or told by its name) and its artifact bytes — the
 * file as it is, or for a SavedModel directory a zip of it.
 */
final class ModelPath {

    private static final String SAVED_MODEL_PB = "saved_model.pb";
    private static final String SAVED_MODEL_PBTXT = "saved_model.pbtxt";

    private final Path path;
    private final ArtifactType type;
    private final boolean directory;

    private ModelPath(Path path, ArtifactType type, boolean directory) {
        this.path = path;
        this.type = type;
        this.directory = directory;
    }

    /**
     * Checks the path and settles the type.
     *
     * @param declared the {@code --type}, or {@code null} to infer it
     */
    static ModelPath of(Path path, ArtifactType declared) throws CliException {
        if (!Files.exists(path)) {
            throw new CliException("model " + path + " does not exist");
        }
        if (!Files.isReadable(path)) {
            throw new CliException("model " + path + " is not readable (permission denied)");
        }
        boolean directory = Files.isDirectory(path);
        ArtifactType type = declared != null ? declared : infer(path, directory);
        if (directory && type != ArtifactType.TENSORFLOW_SAVED_MODEL) {
            throw new CliException("model " + path + " is a directory; only a TENSORFLOW_SAVED_MODEL can be one");
        }
        if (directory && !isSavedModelDirectory(path)) {
            throw new CliException(
                    "model " + path + " is a directory without " + SAVED_MODEL_PB + ": not a TensorFlow SavedModel");
        }
        if (!directory && !Files.isRegularFile(path)) {
            throw new CliException("model " + path + " is not a regular file");
        }
        if (!directory && type == ArtifactType.TENSORFLOW_SAVED_MODEL && !isArchive(path)) {
            throw new CliException("model " + path + " is not a zip or tar(.gz) archive; for a SavedModel pass its"
                    + " directory (the one holding " + SAVED_MODEL_PB + ") or an archive of it");
        }
        return new ModelPath(path, type, directory);
    }

    private static ArtifactType infer(Path path, boolean directory) throws CliException {
        if (directory) {
            if (isSavedModelDirectory(path)) {
                return ArtifactType.TENSORFLOW_SAVED_MODEL;
            }
            throw new CliException(
                    "model " + path + " is a directory without " + SAVED_MODEL_PB + ": not a TensorFlow SavedModel");
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.equals(SAVED_MODEL_PB)) {
            throw new CliException("model " + path + " is the graph file of a SavedModel: pass its directory, "
                    + (path.toAbsolutePath().getParent() == null
                            ? ""
                            : path.toAbsolutePath().getParent()));
        }
        if (name.endsWith(".pmml") || name.endsWith(".xml")) {
            return ArtifactType.PMML;
        }
        if (name.endsWith(".onnx")) {
            return ArtifactType.ONNX;
        }
        if (name.endsWith(".pb")) {
            return ArtifactType.TENSORFLOW_GRAPH;
        }
        if (name.endsWith(".zip") || name.endsWith(".tar.gz") || name.endsWith(".tgz") || name.endsWith(".tar")) {
            return ArtifactType.TENSORFLOW_SAVED_MODEL;
        }
        throw new CliException("cannot tell the type of model " + path + " from its name (.pmml, .xml, .onnx, .pb,"
                + " a SavedModel directory or .zip/.tar.gz): pass --type");
    }

    private static boolean isSavedModelDirectory(Path directory) {
        return Files.isRegularFile(directory.resolve(SAVED_MODEL_PB))
                || Files.isRegularFile(directory.resolve(SAVED_MODEL_PBTXT));
    }

    /** Zip, gzip or POSIX tar, by content. */
    private static boolean isArchive(Path file) throws CliException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(263);
        } catch (IOException e) {
            throw IoMessages.failure("cannot read model " + file, e);
        }
        boolean zip = head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
        boolean gzip = head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
        boolean tar = head.length >= 262 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        return zip || gzip || tar;
    }

    Path path() {
        return path;
    }

    ArtifactType type() {
        return type;
    }

    boolean isDirectory() {
        return directory;
    }

    /** The absolute, normalised path: what a location descriptor records. */
    String location() {
        return path.toAbsolutePath().normalize().toString();
    }

    /** The directory a location descriptor must be allowed under when no root is given: the model's own. */
    Path defaultAllowedRoot() {
        Path absolute = path.toAbsolutePath().normalize();
        return directory ? absolute : absolute.getParent();
    }

    /** The artifact bytes: the file's, or a deterministic zip of a SavedModel directory. */
    byte[] artifactBytes() throws CliException {
        if (directory) {
            try {
                return DirectoryZip.of(path);
            } catch (IOException e) {
                throw IoMessages.failure("cannot zip SavedModel directory " + path, e);
            }
        }
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw IoMessages.failure("cannot read model " + path, e);
        }
    }
}

package dev.modelserving.deploy.cli;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.modelserving.model.Checksums;
import dev.modelserving.proto.ModelDescriptor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code modelctl show}: a descriptor file as JSON (protobuf field names), with the artifact bytes replaced by their
 * size and SHA-256 so a large model never floods the terminal.
 */
@Command(
        name = "show",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Prints a descriptor file as JSON (protobuf field names). artifact_bytes is shown as its size and sha256,"
                    + " never as the bytes."
        })
final class ShowCommand implements Callable<Integer> {

    /** A top-level field line of JsonFormat's pretty output: two spaces, the quoted name, a colon. */
    private static final Pattern TOP_LEVEL_FIELD = Pattern.compile("^  \"([a-z0-9_]+)\":");

    @Spec
    private CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    private boolean help;

    @Parameters(index = "0", paramLabel = "FILE", description = "The descriptor file (binary ModelDescriptor).")
    private Path file;

    @Override
    public Integer call() throws CliException {
        ModelDescriptor descriptor = DescriptorFiles.read(file);
        PrintWriter out = spec.commandLine().getOut();
        out.println(toJson(descriptor));
        out.flush();
        if (out.checkError()) {
            throw new CliException("cannot write to standard output");
        }
        return 0;
    }

    /** The JSON text shown for a descriptor. */
    static String toJson(ModelDescriptor descriptor) throws CliException {
        boolean hasBytes = descriptor.getArtifactCase() == ModelDescriptor.ArtifactCase.ARTIFACT_BYTES;
        ModelDescriptor shown =
                hasBytes ? descriptor.toBuilder().clearArtifactBytes().build() : descriptor;
        String json;
        try {
            json = JsonFormat.printer().preservingProtoFieldNames().print(shown);
        } catch (InvalidProtocolBufferException e) {
            throw new CliException("cannot print the descriptor as JSON: " + e.getMessage(), e);
        }
        if (!hasBytes) {
            return json;
        }
        byte[] bytes = descriptor.getArtifactBytes().toByteArray();
        String summary = "  \"artifact_bytes\": {\"size_bytes\": " + bytes.length + ", \"sha256\": \""
                + Checksums.sha256Hex(bytes) + "\", \"omitted\": true}";
        return insertInFieldOrder(json, summary, ModelDescriptor.ARTIFACT_BYTES_FIELD_NUMBER);
    }

    /** Puts a top-level line where JsonFormat would have printed that field (it prints in field-number order). */
    private static String insertInFieldOrder(String json, String line, int fieldNumber) {
        List<String> lines = new ArrayList<>(json.lines().toList());
        int at = lines.size() - 1; // before the closing brace, by default
        for (int i = 1; i < lines.size() - 1; i++) {
            Matcher field = TOP_LEVEL_FIELD.matcher(lines.get(i));
            if (field.find()) {
                FieldDescriptor known = ModelDescriptor.getDescriptor().findFieldByName(field.group(1));
                if (known != null && known.getNumber() > fieldNumber) {
                    at = i;
                    break;
                }
            }
        }
        boolean last = at == lines.size() - 1;
        if (last && at > 1) {
            lines.set(at - 1, lines.get(at - 1) + ",");
        }
        lines.add(at, last ? line : line + ",");
        return String.join("\n", lines);
    }
}

package dev.modelserving.deploy.cli;

import dev.modelserving.model.trust.DescriptorSignatures;
import dev.modelserving.model.trust.SigningAlgorithm;
import dev.modelserving.proto.ModelDescriptor;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code modelctl sign}: signs a descriptor file as a publisher, for a job run with {@code --require-signatures}.
 * The signature covers every field but itself (the publisher id included), so the signed file must not be edited.
 */
@Command(
        name = "sign",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Signs a descriptor file as a publisher (sets publisher_id and signature). Any change after signing"
                    + " makes the serving job reject it; check a signed file with `modelctl verify`."
        },
        footer = {
            "",
            "Example:",
            "  modelctl sign --key ci.pem --publisher ci temperature-v3.desc -o temperature-v3.signed.desc"
        })
final class SignCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    private boolean help;

    @Option(
            names = "--key",
            required = true,
            paramLabel = "PRIVATE.pem",
            description = "The publisher's private key (PKCS#8 PEM, Ed25519 or ECDSA P-256).")
    private Path key;

    @Option(
            names = "--publisher",
            required = true,
            paramLabel = "ID",
            description = "The publisher id the job's trust policy lists this key under.")
    private String publisher;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "FILE",
            description = "The signed descriptor.")
    private Path output;

    @Parameters(index = "0", paramLabel = "DESCRIPTOR", description = "The descriptor file to sign.")
    private Path input;

    @Override
    public Integer call() throws CliException {
        if (publisher.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--publisher must not be blank");
        }
        ModelDescriptor descriptor = DescriptorFiles.read(input);
        PrivateKey privateKey = SigningOptions.readKey(key);
        ModelDescriptor signed = DescriptorSignatures.sign(descriptor, publisher.strip(), privateKey);
        DescriptorFiles.write(output, signed);
        spec.commandLine()
                .getOut()
                .printf(
                        "signed %s v%d (%s, data type %s) as publisher %s with a %s key: %s%n",
                        signed.getName(),
                        signed.getVersion(),
                        signed.getAction(),
                        signed.getDataType(),
                        signed.getPublisherId(),
                        SigningAlgorithm.of(privateKey).flagValue(),
                        output);
        spec.commandLine().getOut().flush();
        return 0;
    }
}

package dev.modelserving.deploy.cli;

import dev.modelserving.model.trust.DescriptorSignatures;
import dev.modelserving.model.trust.PemKeys;
import dev.modelserving.proto.ModelDescriptor;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --sign-key} and {@code --publisher} of the commands that write to the model topic ({@code publish},
 * {@code rollback}, {@code remove}): when given, every descriptor is signed just before it is sent, so a job run
 * with {@code --require-signatures} accepts it (if its trust policy lets that publisher do it).
 */
final class SigningOptions {

    @Option(
            names = "--sign-key",
            paramLabel = "PRIVATE.pem",
            description = "Sign each descriptor with this private key (PKCS#8 PEM, Ed25519 or ECDSA P-256;"
                    + " `modelctl keygen` or `openssl genpkey` make one). Needs --publisher.")
    private Path signKey;

    @Option(
            names = "--publisher",
            paramLabel = "ID",
            description = "The publisher id the job's trust policy knows this key by. Needs --sign-key.")
    private String publisher;

    /** The descriptors signed (or unchanged when no key was given). */
    List<ModelDescriptor> apply(CommandLine commandLine, List<ModelDescriptor> descriptors) throws CliException {
        if (signKey == null && publisher == null) {
            return descriptors;
        }
        if (signKey == null || publisher == null || publisher.isBlank()) {
            throw new ParameterException(commandLine, "--sign-key and --publisher go together");
        }
        PrivateKey key = readKey(signKey);
        return descriptors.stream()
                .map(d -> DescriptorSignatures.sign(d, publisher.strip(), key))
                .toList();
    }

    /** Reads a private key file, with the problem in words. */
    static PrivateKey readKey(Path file) throws CliException {
        try {
            return PemKeys.readPrivateKey(file);
        } catch (IOException e) {
            throw IoMessages.failure("cannot read the key " + file, e);
        } catch (IllegalArgumentException e) {
            throw new CliException("not a usable private key: " + e.getMessage(), e);
        }
    }
}

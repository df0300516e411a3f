package dev.modelserving.deploy.cli;

import dev.modelserving.model.trust.PemKeys;
import dev.modelserving.model.trust.SigningAlgorithm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code modelctl keygen}: a publisher's key pair as the standard PEM files {@code openssl genpkey} writes: the
 * private key (PKCS#8, readable by its owner only) signs descriptors, the public key (X.509) goes into the job's
 * trust policy. Existing files are never overwritten.
 */
@Command(
        name = "keygen",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Generates a publisher's key pair: a private key to sign descriptors with (PKCS#8 PEM, mode 600) and its"
                    + " public key for the serving job's trust policy (X.509 PEM). Keys made with `openssl genpkey"
                    + " -algorithm ed25519` work the same."
        },
        footer = {"", "Example:", "  modelctl keygen --algorithm ed25519 --out-private ci.pem --out-public ci.pub.pem"})
final class KeygenCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    private boolean help;

    @Option(
            names = "--algorithm",
            defaultValue = "ed25519",
            paramLabel = "ed25519|ec-p256",
            description = "Ed25519 or ECDSA on P-256 (default ${DEFAULT-VALUE}).")
    private String algorithm;

    @Option(
            names = "--out-private",
            required = true,
            paramLabel = "FILE",
            description = "Where the private key goes (must not exist). Keep it secret.")
    private Path privateFile;

    @Option(
            names = "--out-public",
            required = true,
            paramLabel = "FILE",
            description = "Where the public key goes (must not exist).")
    private Path publicFile;

    @Override
    public Integer call() throws CliException {
        SigningAlgorithm chosen;
        try {
            chosen = SigningAlgorithm.fromFlag(algorithm);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--algorithm " + e.getMessage());
        }
        if (privateFile
                .toAbsolutePath()
                .normalize()
                .equals(publicFile.toAbsolutePath().normalize())) {
            throw new ParameterException(spec.commandLine(), "--out-private and --out-public must differ");
        }
        for (Path file : new Path[] {privateFile, publicFile}) {
            if (Files.exists(file)) {
                throw new CliException(file + " already exists: keygen never overwrites a key");
            }
        }
        KeyPair pair = PemKeys.generate(chosen);
        write(privateFile, PemKeys.pem(pair.getPrivate()), "rw-------");
        write(publicFile, PemKeys.pem(pair.getPublic()), "rw-r--r--");
        spec.commandLine()
                .getOut()
                .printf("wrote %s key pair: private %s, public %s%n", chosen.flagValue(), privateFile, publicFile);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** Creates the file with its permissions set before any byte is written. */
    private static void write(Path file, String pem, String permissions) throws CliException {
        try {
            Path absolute = file.toAbsolutePath();
            if (Files.getFileStore(absolute.getParent()).supportsFileAttributeView(PosixFileAttributeView.class)) {
                Files.createFile(
                        absolute, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
            } else {
                Files.createFile(absolute);
            }
            Files.writeString(absolute, pem, StandardCharsets.US_ASCII);
        } catch (FileAlreadyExistsException e) {
            throw new CliException(file + " already exists: keygen never overwrites a key", e);
        } catch (IOException e) {
            throw IoMessages.failure("cannot write " + file, e);
        }
    }
}

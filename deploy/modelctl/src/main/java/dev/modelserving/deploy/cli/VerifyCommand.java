package dev.modelserving.deploy.cli;

import dev.modelserving.model.trust.DescriptorSignatures;
import dev.modelserving.model.trust.PemKeys;
import dev.modelserving.model.trust.TrustDecision;
import dev.modelserving.model.trust.TrustPolicy;
import dev.modelserving.proto.ModelDescriptor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code modelctl verify}: what the serving job's verify operator will say about descriptor files, checked against
 * its trust policy (signature, publisher, data type, model name, action), or only whether a public key verifies the
 * signature. Exit code 1 when any file is not trusted.
 */
@Command(
        name = "verify",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Checks descriptor files as a serving job with --require-signatures would: against its trust policy"
                    + " (--policy), or just their signature against public keys (--public-key). One line per file;"
                    + " exit code 1 if any is not trusted."
        },
        footer = {
            "",
            "Examples:",
            "  modelctl verify --policy trust-policy.txtpb temperature-v3.signed.desc",
            "  modelctl verify --public-key ci.pub.pem temperature-v3.signed.desc"
        })
final class VerifyCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    private boolean help;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Against against;

    /** A policy or public keys, not both. */
    static final class Against {
        @Option(
                names = "--policy",
                paramLabel = "POLICY",
                description = "The job's trust policy (protobuf text format; key files relative to it).")
        Path policy;

        @Option(
                names = "--public-key",
                paramLabel = "PUBLIC.pem",
                description = "A public key (X.509 PEM) the signature must verify with (repeatable: any of them).")
        List<Path> publicKeys = new ArrayList<>();
    }

    @Parameters(arity = "1..*", paramLabel = "DESCRIPTOR", description = "Descriptor files to check.")
    private List<Path> files = new ArrayList<>();

    @Override
    public Integer call() throws CliException {
        TrustPolicy policy = against.policy == null ? null : readPolicy(against.policy);
        List<PublicKey> keys = new ArrayList<>();
        for (Path file : against.publicKeys) {
            keys.add(readPublicKey(file));
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean allTrusted = true;
        for (Path file : files) {
            ModelDescriptor descriptor = DescriptorFiles.read(file);
            String what = descriptor.getName() + " v" + descriptor.getVersion() + " (" + descriptor.getAction()
                    + ", data type " + descriptor.getDataType() + ")";
            if (policy != null) {
                TrustDecision decision = policy.check(descriptor, true);
                allTrusted &= decision.accepted();
                out.printf(
                        "%s: %s: %s%n",
                        file, what, decision.accepted() ? "trusted, " + decision.reason() : decision.reason());
            } else {
                boolean verified = keys.stream().anyMatch(k -> DescriptorSignatures.verify(descriptor, k));
                allTrusted &= verified;
                out.printf(
                        "%s: %s: %s%n",
                        file,
                        what,
                        verified
                                ? "signature verifies (publisher " + descriptor.getPublisherId() + ")"
                                : descriptor.getSignature().isEmpty()
                                        ? "not signed"
                                        : "signature does not verify with the given key(s)");
            }
        }
        out.flush();
        return allTrusted ? 0 : 1;
    }

    private static TrustPolicy readPolicy(Path file) throws CliException {
        try {
            return TrustPolicy.read(file);
        } catch (IOException e) {
            throw IoMessages.failure("cannot read the trust policy " + file, e);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), e);
        }
    }

    private static PublicKey readPublicKey(Path file) throws CliException {
        try {
            return PemKeys.readPublicKey(file);
        } catch (IOException e) {
            throw IoMessages.failure("cannot read the key " + file, e);
        } catch (IllegalArgumentException e) {
            throw new CliException("not a usable public key: " + e.getMessage(), e);
        }
    }
}

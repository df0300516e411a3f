package dev.modelserving.model.trust;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import dev.modelserving.model.trust.TrustDecision.Verdict;
import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.TrustedKey;
import dev.modelserving.proto.TrustedPublisher;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The job's trust policy: which publishers may publish what, and with which keys. Read from a protobuf text format
 * file ({@code modelserving.v1.TrustPolicy}) on the client when the job is submitted; key files are inlined then, so
 * the policy travels serialized inside the job graph and TaskManagers need no file (on Kubernetes only the
 * JobManager mounts the Secret). Immutable; {@link #check} is the one decision every descriptor goes through.
 */
public final class TrustPolicy implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The policy with every key inline (what is serialized). */
    private final byte[] resolved;

    private final transient Map<String, Publisher> publishers;

    private TrustPolicy(dev.modelserving.proto.TrustPolicy proto) {
        this.resolved = proto.toByteArray();
        Map<String, Publisher> byId = new LinkedHashMap<>();
        for (TrustedPublisher p : proto.getPublishersList()) {
            Publisher publisher = Publisher.of(p);
            if (byId.put(publisher.id(), publisher) != null) {
                throw new IllegalArgumentException("publisher '" + publisher.id() + "' is listed twice");
            }
        }
        this.publishers = Collections.unmodifiableMap(byId);
    }

    /**
     * A policy whose keys are all inline PEM text.
     *
     * @throws IllegalArgumentException a publisher without id, keys, data types, model names or actions; a key
     *     that is not an Ed25519 or P-256 public key; a key given as a file; a malformed pattern
     */
    public static TrustPolicy of(dev.modelserving.proto.TrustPolicy proto) {
        return new TrustPolicy(proto);
    }

    /**
     * Reads a policy file (protobuf text format); key files are relative to the file's directory.
     *
     * @throws IOException the policy or a key file cannot be read
     * @throws IllegalArgumentException the text does not parse, or the policy is invalid (the message says where)
     */
    public static TrustPolicy read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Path base = file.toAbsolutePath().getParent();
        try {
            return parse(text, base);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("trust policy " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses a policy in protobuf text format, reading key files relative to {@code baseDir}.
     *
     * @throws IOException a key file cannot be read
     * @throws IllegalArgumentException the text does not parse, or the policy is invalid
     */
    public static TrustPolicy parse(String text, Path baseDir) throws IOException {
        dev.modelserving.proto.TrustPolicy.Builder builder = dev.modelserving.proto.TrustPolicy.newBuilder();
        try {
            TextFormat.getParser().merge(text, builder);
        } catch (TextFormat.ParseException e) {
            throw new IllegalArgumentException("not a TrustPolicy in protobuf text format: " + e.getMessage(), e);
        }
        for (TrustedPublisher.Builder publisher : builder.getPublishersBuilderList()) {
            for (TrustedKey.Builder key : publisher.getKeysBuilderList()) {
                if (key.hasFile()) {
                    Path keyFile = baseDir.resolve(key.getFile());
                    String label = key.getLabel().isEmpty() ? key.getFile() : key.getLabel();
                    key.setPem(Files.readString(keyFile, StandardCharsets.US_ASCII))
                            .setLabel(label);
                }
            }
        }
        return of(builder.build());
    }

    /** The policy with every key inline, e.g. to print or to ship. */
    public dev.modelserving.proto.TrustPolicy toProto() {
        try {
            return dev.modelserving.proto.TrustPolicy.parseFrom(resolved);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("the policy's own bytes do not parse", e);
        }
    }

    /** The publisher ids, in the policy's order. */
    public Set<String> publisherIds() {
        return publishers.keySet();
    }

    /**
     * Whether a descriptor may go on: signed by a key of its publisher, and the publisher may take that action on
     * that data type and model name. Unsigned descriptors pass only when {@code requireSignatures} is false; a
     * signed one is always checked.
     */
    public TrustDecision check(ModelDescriptor descriptor, boolean requireSignatures) {
        if (descriptor.getSignature().isEmpty()) {
            return requireSignatures
                    ? TrustDecision.refused(
                            Verdict.UNSIGNED,
                            "the descriptor is not signed and this job requires"
                                    + " signatures (modelctl sign / publish --sign-key)")
                    : new TrustDecision(Verdict.UNSIGNED_ALLOWED, "unsigned; signatures are not required");
        }
        String id = descriptor.getPublisherId();
        if (id.isEmpty()) {
            return TrustDecision.refused(Verdict.UNKNOWN_PUBLISHER, "signed, but publisher_id is empty");
        }
        Publisher publisher = publishers.get(id);
        if (publisher == null) {
            return TrustDecision.refused(
                    Verdict.UNKNOWN_PUBLISHER, "publisher '" + id + "' is not in the trust policy");
        }
        if (publisher.keys().stream().noneMatch(k -> DescriptorSignatures.verify(descriptor, k.key()))) {
            return TrustDecision.refused(
                    Verdict.BAD_SIGNATURE,
                    "the signature does not verify with any of the "
                            + publisher.keys().size() + " key(s) " + publisher.keyLabels() + " of publisher '" + id
                            + "' (signed with another key, or changed after signing)");
        }
        if (!publisher.actions().contains(descriptor.getAction())) {
            return TrustDecision.refused(
                    Verdict.ACTION_NOT_ALLOWED,
                    "publisher '" + id + "' may not " + actionName(descriptor) + " (allowed: " + publisher.actions()
                            + ")");
        }
        if (publisher.dataTypes().stream().noneMatch(p -> p.matches(descriptor.getDataType()))) {
            return TrustDecision.refused(
                    Verdict.DATA_TYPE_NOT_ALLOWED,
                    "publisher '" + id
                            + "' may not publish for data type '" + descriptor.getDataType() + "' (allowed: "
                            + publisher.dataTypes() + ")");
        }
        if (publisher.modelNames().stream().noneMatch(p -> p.matches(descriptor.getName()))) {
            return TrustDecision.refused(
                    Verdict.MODEL_NAME_NOT_ALLOWED,
                    "publisher '" + id
                            + "' may not publish model '" + descriptor.getName() + "' (allowed: "
                            + publisher.modelNames()
                            + ")");
        }
        return new TrustDecision(Verdict.TRUSTED, "signed by publisher '" + id + "'");
    }

    private static String actionName(ModelDescriptor descriptor) {
        return descriptor.getAction() == ModelAction.UNRECOGNIZED
                ? "take action " + descriptor.getActionValue()
                : descriptor.getAction().name();
    }

    @Serial
    private Object readResolve() {
        try {
            return new TrustPolicy(dev.modelserving.proto.TrustPolicy.parseFrom(resolved));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a serialized trust policy does not parse", e);
        }
    }

    @Override
    public String toString() {
        return "TrustPolicy"
                + publishers.values().stream().map(Publisher::summary).toList();
    }

    /** One key of a publisher, with its label for messages. */
    private record Key(String label, PublicKey key) {}

    /** One publisher's keys and rights. */
    private record Publisher(
            String id,
            List<Key> keys,
            List<NamePattern> dataTypes,
            List<NamePattern> modelNames,
            Set<ModelAction> actions) {

        static Publisher of(TrustedPublisher p) {
            String id = p.getId().strip();
            if (id.isEmpty()) {
                throw new IllegalArgumentException("a publisher has no id");
            }
            String where = "publisher '" + id + "': ";
            if (p.getKeysCount() == 0) {
                throw new IllegalArgumentException(where + "no keys");
            }
            List<Key> keys = new ArrayList<>();
            for (int i = 0; i < p.getKeysCount(); i++) {
                TrustedKey k = p.getKeys(i);
                String label = k.getLabel().isEmpty() ? "#" + (i + 1) : k.getLabel();
                if (!k.hasPem()) {
                    throw new IllegalArgumentException(where + "key " + label + " has no PEM text"
                            + (k.hasFile() ? " (key files are read by TrustPolicy.read/parse)" : ""));
                }
                try {
                    keys.add(new Key(label, PemKeys.publicKey(k.getPem())));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + "key " + label + ": " + e.getMessage(), e);
                }
            }
            List<NamePattern> dataTypes = patterns(where, "data_types", p.getDataTypesList());
            List<NamePattern> names = patterns(where, "model_names", p.getModelNamesList());
            if (p.getActionsCount() == 0) {
                throw new IllegalArgumentException(where + "no actions (list DEPLOY, ROLLBACK and/or REMOVE)");
            }
            Set<ModelAction> actions = EnumSet.noneOf(ModelAction.class);
            for (ModelAction action : p.getActionsList()) {
                if (action == ModelAction.UNRECOGNIZED) {
                    throw new IllegalArgumentException(where + "unknown action");
                }
                actions.add(action);
            }
            return new Publisher(id, List.copyOf(keys), dataTypes, names, Collections.unmodifiableSet(actions));
        }

        private static List<NamePattern> patterns(String where, String field, List<String> values) {
            if (values.isEmpty()) {
                throw new IllegalArgumentException(where + "no " + field + " (use \"*\" for any)");
            }
            List<NamePattern> patterns = new ArrayList<>();
            for (String value : values) {
                try {
                    patterns.add(new NamePattern(value.strip()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + field + ": " + e.getMessage(), e);
                }
            }
            return List.copyOf(patterns);
        }

        List<String> keyLabels() {
            return keys.stream().map(Key::label).toList();
        }

        String summary() {
            return id + "{keys=" + keyLabels() + ", data_types=" + dataTypes + ", model_names=" + modelNames
                    + ", actions=" + actions + "}";
        }
    }
}

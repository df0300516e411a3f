package dev.modelserving.job.hostile;

import com.google.protobuf.ByteString;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DecisionStrategy;
import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.SpeculativeConfig;
import dev.modelserving.proto.ValidationSample;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random and mutated inputs of the three families (data records, model descriptors, speculative configs), built from
 * good messages by message-level mutations (control characters in identifiers, extreme numbers, impossible shapes,
 * edge versions, unknown actions and types, bad artifacts, giant sample counts, deadlines nobody can wait for) and by
 * the byte-level mutations of {@link PayloadMutator}. Every call cycles through all mutation kinds, so any slice of
 * a few dozen inputs holds every kind. Deterministic for a seed.
 *
 * <p>Descriptors that could be valid never name the good model's data type with a version it would take: those sent
 * to the good data type must be refused (a REJECTED event or a dead letter), so that the good model keeps serving.
 * The same holds for configurations of the good data type.
 */
final class HostileInputs {

    /** Data types of the fuzz inputs besides the good one (records of them get NO_MODEL or a fuzz model's answer). */
    static final List<String> FUZZ_DATA_TYPES = List.of("fuzz-a", "fuzz-b", "fuzz-c");
    /** Record mutations at the message level; byte-level ones follow them in the cycle. */
    private static final int RECORD_KINDS = 7;

    private static final int DESCRIPTOR_KINDS = 8;
    private static final int CONFIG_KINDS = 8;

    private final Random random;
    private final PayloadMutator mutator;
    private final String goodType;

    HostileInputs(long seed, String goodType) {
        this.random = new Random(seed);
        this.mutator = new PayloadMutator(random);
        this.goodType = goodType;
    }

    // ------------------------------------------------------------------ records

    /** {@code count} hostile record payloads; the i-th is built from a good record with id {@code prefix-i}. */
    List<byte[]> records(String prefix, int count) {
        int kinds = RECORD_KINDS + PayloadMutator.Family.values().length;
        List<byte[]> payloads = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String dataType = i % 3 == 0 ? FUZZ_DATA_TYPES.get(random.nextInt(FUZZ_DATA_TYPES.size())) : goodType;
            DataRecord good = HostileModels.record(dataType, prefix + "-" + i, HostileModels.features(random));
            int kind = i % kinds;
            payloads.add(
                    kind < RECORD_KINDS
                            ? mutatedRecord(kind, good).toByteArray()
                            : mutator.mutate(PayloadMutator.Family.values()[kind - RECORD_KINDS], good.toByteArray()));
        }
        return payloads;
    }

    private DataRecord mutatedRecord(int kind, DataRecord good) {
        DataRecord.Builder record = good.toBuilder();
        switch (kind) {
            case 0 -> { // extreme feature values and times
                record.putFeatures(HostileModels.FEATURES.get(random.nextInt(3)), mutator.extremeDouble());
                record.setEventTimeMillis(mutator.extremeLong());
            }
            case 1 -> { // impossible shapes: overflowing, negative, zero, huge rank
                record.addVector(1.0f);
                switch (random.nextInt(4)) {
                    case 0 -> record.addVectorShape(Long.MAX_VALUE).addVectorShape(Long.MAX_VALUE);
                    case 1 -> record.addVectorShape(-1).addVectorShape(-1);
                    case 2 -> record.addVectorShape(0).addVectorShape(Long.MIN_VALUE);
                    default -> {
                        for (int d = 0; d < 1000; d++) {
                            record.addVectorShape(2);
                        }
                    }
                }
            }
            case 2 -> record.setDataType(mutator.withControlCharacters(good.getDataType()));
            case 3 -> record.setId(mutator.withControlCharacters(good.getId()));
            case 4 -> record.setKey(mutator.withControlCharacters(good.getKey()) + "x".repeat(random.nextInt(20_000)));
            case 5 -> { // thousands of features, some with control characters in their names
                for (int f = 0; f < 2000; f++) {
                    record.putFeatures(f % 100 == 0 ? mutator.withControlCharacters("f" + f) : "f" + f, f);
                }
            }
            default -> { // a packed vector with non-finite values and a shape that does not fit it
                for (int v = 0; v < 64; v++) {
                    record.addVector(v % 7 == 0 ? Float.NaN : v);
                }
                record.addVectorShape(3).addVectorShape(3);
            }
        }
        return record.build();
    }

    // ------------------------------------------------------------------ descriptors

    /**
     * {@code count} hostile descriptor payloads named {@code prefix-i}. Those of the good data type are all refusable:
     * versions 0, -1, Long.MIN/MAX, unknown actions, wrong model types, bad artifacts.
     */
    List<byte[]> descriptors(String prefix, int count) {
        int kinds = DESCRIPTOR_KINDS + PayloadMutator.Family.values().length;
        ModelDescriptor good = HostileModels.regression(goodType);
        List<byte[]> payloads = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String fuzzType = FUZZ_DATA_TYPES.get(random.nextInt(FUZZ_DATA_TYPES.size()));
            ModelDescriptor fuzz = good.toBuilder()
                    .setName(prefix + "-" + i)
                    .setDataType(fuzzType)
                    .setVersion(1 + random.nextInt(1000))
                    .build();
            int kind = i % kinds;
            payloads.add(
                    kind < DESCRIPTOR_KINDS
                            ? mutatedDescriptor(kind, good, fuzz).toByteArray()
                            : mutator.mutate(
                                    PayloadMutator.Family.values()[kind - DESCRIPTOR_KINDS], fuzz.toByteArray()));
        }
        return payloads;
    }

    /** Whether a (parsed) descriptor is aimed at the good model's slot: it must then be refused. */
    boolean targetsGoodModel(ModelDescriptor descriptor) {
        return descriptor.getDataType().equals(goodType);
    }

    private ModelDescriptor mutatedDescriptor(int kind, ModelDescriptor good, ModelDescriptor fuzz) {
        long newer = HostileModels.VERSION + 1 + random.nextInt(1000);
        return switch (kind) {
            case 0 ->
                good.toBuilder() // edge versions of the good model: stale, or one nothing may ever follow
                        .setVersion(new long[] {0, -1, Long.MAX_VALUE, Long.MIN_VALUE}[random.nextInt(4)])
                        .build();
            case 1 ->
                good.toBuilder()
                        .setVersion(newer)
                        .setActionValue(3 + random.nextInt(1000))
                        .build();
            case 2 -> { // a model type that does not match the artifact, or none at all
                ModelDescriptor.Builder wrong = good.toBuilder().setVersion(newer);
                switch (random.nextInt(5)) {
                    case 0 -> wrong.setModelType(ModelType.TENSORFLOW_GRAPH);
                    case 1 -> wrong.setModelType(ModelType.ONNX);
                    case 2 -> wrong.setModelType(ModelType.CUSTOM).setCustomType("no-such-factory");
                    case 3 -> wrong.setModelType(ModelType.MODEL_TYPE_UNSPECIFIED);
                    default -> wrong.setModelTypeValue(42);
                }
                yield wrong.build();
            }
            case 3 -> { // bad artifacts: garbage, cut XML, nothing, a location outside every allowed root
                ModelDescriptor.Builder bad = good.toBuilder().setVersion(newer);
                byte[] pmml = good.getArtifactBytes().toByteArray();
                switch (random.nextInt(5)) {
                    case 0 -> {
                        byte[] garbage = new byte[1 + random.nextInt(4096)];
                        random.nextBytes(garbage);
                        bad.setArtifactBytes(ByteString.copyFrom(garbage));
                    }
                    case 1 -> bad.setArtifactBytes(ByteString.copyFrom(pmml, 0, random.nextInt(pmml.length)));
                    case 2 -> bad.setArtifactBytes(ByteString.EMPTY);
                    case 3 -> bad.setArtifactLocation("/etc/../etc/passwd");
                    default -> bad.setArtifactSha256("0".repeat(64));
                }
                yield bad.build();
            }
            case 4 ->
                fuzz.toBuilder()
                        .setName(mutator.withControlCharacters(fuzz.getName()))
                        .build();
            case 5 ->
                fuzz.toBuilder()
                        .setDataType(mutator.withControlCharacters(fuzz.getDataType()))
                        .build();
            case 6 -> { // a giant sample count (a few hundred kilobytes, within any sensible descriptor size cap)
                ModelDescriptor.Builder many = fuzz.toBuilder();
                ValidationSample sample = good.getValidationSamples(0);
                for (int s = 0; s < 3000; s++) {
                    many.addValidationSamples(
                            s % 1000 == 999
                                    ? sample.toBuilder()
                                            .setExpectedOutputs(0, mutator.extremeDouble())
                                            .build()
                                    : sample);
                }
                yield many.build();
            }
            default ->
                random.nextBoolean() // commands about models and versions that never existed
                        ? good.toBuilder()
                                .setName("never-" + fuzz.getName())
                                .setVersion(newer)
                                .setAction(ModelAction.REMOVE)
                                .build()
                        : good.toBuilder()
                                .setVersion(newer)
                                .setAction(ModelAction.ROLLBACK)
                                .setRollbackToVersion(mutator.extremeLong())
                                .build();
        };
    }

    // ------------------------------------------------------------------ speculative configs

    /**
     * {@code count} hostile config payloads. Those of the good data type are all refusable: deadlines above any cap,
     * negative deadlines, unknown models, a Long.MAX_VALUE version, unknown strategies, SHADOW without a primary.
     */
    List<byte[]> configs(int count) {
        int kinds = CONFIG_KINDS + PayloadMutator.Family.values().length;
        List<byte[]> payloads = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            SpeculativeConfig fuzz = SpeculativeConfig.newBuilder()
                    .setDataType(FUZZ_DATA_TYPES.get(random.nextInt(FUZZ_DATA_TYPES.size())))
                    .setDeadlineMillis(1 + random.nextInt(200))
                    .setStrategy(DecisionStrategy.forNumber(1 + random.nextInt(3)))
                    .setVersion(1 + i)
                    .build();
            int kind = i % kinds;
            payloads.add(
                    kind < CONFIG_KINDS
                            ? mutatedConfig(kind, fuzz).toByteArray()
                            : mutator.mutate(PayloadMutator.Family.values()[kind - CONFIG_KINDS], fuzz.toByteArray()));
        }
        return payloads;
    }

    private SpeculativeConfig mutatedConfig(int kind, SpeculativeConfig fuzz) {
        SpeculativeConfig.Builder good = SpeculativeConfig.newBuilder()
                .setDataType(goodType)
                .setStrategy(DecisionStrategy.FIRST)
                .setVersion(1 + random.nextInt(1000));
        return switch (kind) {
            case 0 ->
                good.setDeadlineMillis(365L * 24 * 3600 * 1000)
                        .addModels("ghost")
                        .build();
            case 1 -> good.setDeadlineMillis(Long.MAX_VALUE).build();
            case 2 -> good.setDeadlineMillis(-1 - random.nextInt(1000)).build();
            case 3 ->
                good.setDeadlineMillis(50)
                        .addModels("ghost-" + random.nextInt(10))
                        .build();
            case 4 ->
                good.setDeadlineMillis(50)
                        .setVersion(Long.MAX_VALUE)
                        .addModels("ghost")
                        .build();
            case 5 ->
                good.setDeadlineMillis(50)
                        .setStrategyValue(5 + random.nextInt(100))
                        .build();
            case 6 ->
                good.setDeadlineMillis(50).setStrategy(DecisionStrategy.SHADOW).build();
            default ->
                fuzz.toBuilder()
                        .setDataType(mutator.withControlCharacters(fuzz.getDataType()))
                        .addModels(new String(new byte[] {(byte) 0xc3, 0x28}, StandardCharsets.ISO_8859_1))
                        .build();
        };
    }
}

package dev.modelserving.job.trust;

import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.model.trust.TrustDecision;
import dev.modelserving.model.trust.TrustDecision.Verdict;
import dev.modelserving.model.trust.TrustPolicy;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first thing that happens to a parsed descriptor when the job has a trust policy: its signature and its
 * publisher's rights are checked ({@link TrustPolicy#check}). A trusted descriptor goes on to the serving functions;
 * any other becomes a REJECTED {@link ModelEvent} with the reason on {@link #REJECTED} and goes no further, so the
 * model serving now keeps serving. Counts every outcome kind as an operator metric ({@code descriptorsTrusted},
 * {@code descriptorsUnsignedAllowed}, {@code rejectedUnsigned}, {@code rejectedBadSignature}, ...). Never throws on
 * a descriptor: a failure of the check itself is a rejection too.
 */
public final class VerifyDescriptors extends ProcessFunction<ModelDescriptor, ModelDescriptor>
        implements ResultTypeQueryable<ModelDescriptor> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(VerifyDescriptors.class);

    /** Side output: REJECTED events of untrusted descriptors (the job unions it into the model-event sink). */
    public static final OutputTag<ModelEvent> REJECTED =
            new OutputTag<>("untrusted-descriptors", ProtoTypeInfo.of(ModelEvent.class));

    /** Operator metric: descriptors rejected for any reason. */
    public static final String REJECTED_METRIC = "descriptorsRejected";

    private final TrustPolicy policy;
    private final boolean requireSignatures;
    private transient Map<Verdict, Counter> counters;
    private transient Counter rejected;
    private transient String emitter;

    /**
     * @param policy the publishers trusted, serialized with the job (read on the client)
     * @param requireSignatures refuse unsigned descriptors; when false they pass, but a signed one is still checked
     */
    public VerifyDescriptors(TrustPolicy policy, boolean requireSignatures) {
        this.policy = policy;
        this.requireSignatures = requireSignatures;
    }

    /** Name of the operator metric counting descriptors with that verdict. */
    public static String metricName(Verdict verdict) {
        String name = verdict.metricName();
        return verdict.accepted()
                ? "descriptors" + Character.toUpperCase(name.charAt(0)) + name.substring(1)
                : "rejected" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    @Override
    public TypeInformation<ModelDescriptor> getProducedType() {
        return ProtoTypeInfo.of(ModelDescriptor.class);
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        counters = new EnumMap<>(Verdict.class);
        for (Verdict verdict : Verdict.values()) {
            counters.put(verdict, metrics.counter(metricName(verdict)));
        }
        rejected = metrics.counter(REJECTED_METRIC);
        emitter = getRuntimeContext().getTaskInfo().getTaskName() + "#"
                + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        LOG.info(
                "verifying descriptors (signatures {}) against {}",
                requireSignatures ? "required" : "optional",
                policy);
    }

    @Override
    public void processElement(ModelDescriptor descriptor, Context ctx, Collector<ModelDescriptor> out) {
        TrustDecision decision;
        try {
            decision = policy.check(descriptor, requireSignatures);
        } catch (RuntimeException e) {
            LOG.warn("checking the descriptor {}@{} failed", descriptor.getName(), descriptor.getVersion(), e);
            decision = new TrustDecision(Verdict.BAD_SIGNATURE, "untrusted: the signature could not be checked: " + e);
        }
        counters.get(decision.verdict()).inc();
        if (decision.accepted()) {
            out.collect(descriptor);
            return;
        }
        rejected.inc();
        ctx.output(
                REJECTED,
                ModelEvent.newBuilder()
                        .setType(ModelEventType.REJECTED)
                        .setDataType(descriptor.getDataType())
                        .setModelName(descriptor.getName())
                        .setModelVersion(descriptor.getVersion())
                        .setModelSha256(descriptor.getArtifactSha256())
                        .setReason(decision.reason())
                        .setTimestampMillis(ctx.timerService().currentProcessingTime())
                        .setEmittedBy(emitter)
                        .setPublisherId(descriptor.getPublisherId())
                        .build());
    }
}

package dev.modelserving.deploy.cli;

import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/** The one readable line printed for each kind of message the serving job writes. */
final class MessageLines {

    /** Significant digits of the numbers shown (the raw values are in the messages). */
    private static final MathContext SHOWN = new MathContext(6);

    private MessageLines() {}

    /**
     * A result: record id, key, status, model@version, outputs or label, latency; the error of a FAILED record.
     */
    static String result(ServingResult r) {
        StringBuilder line = new StringBuilder()
                .append("id=")
                .append(orDash(r.getRecordId()))
                .append(" key=")
                .append(orDash(r.getKey()))
                .append(' ')
                .append(status(r.getStatus()));
        if (r.getStatus() == ServingStatus.NO_MODEL) {
            return line.append(" data_type=").append(orDash(r.getDataType())).toString();
        }
        if (!r.getModelName().isEmpty()) {
            line.append(' ').append(r.getModelName()).append('@').append(r.getModelVersion());
        }
        if (!r.getLabel().isEmpty()) {
            line.append(" label=").append(r.getLabel());
        }
        if (r.getOutputsCount() > 0) {
            line.append(" outputs=").append(numbers(r.getOutputsList()));
        }
        if (!r.getStrategy().isEmpty()) {
            line.append(" strategy=").append(r.getStrategy());
        }
        line.append(" latency=").append(number(r.getLatencyNanos() / 1e6)).append("ms");
        if (!r.getError().isEmpty()) {
            line.append(" error=").append(quoted(r.getError()));
        }
        return line.toString();
    }

    /** A dead letter: when, where it came from (topic-partition@offset), why, how big the payload was. */
    static String deadLetter(DeadLetter d) {
        return time(d.getTimestampMillis()) + " " + orDash(d.getSourceTopic()) + "-" + d.getSourcePartition() + "@"
                + d.getSourceOffset() + " reason=" + quoted(d.getReason()) + " payload="
                + d.getPayload().size()
                + " bytes";
    }

    /** A model event: when, type, data type, model@version, previous version, reason, emitted_by. */
    static String event(ModelEvent e) {
        return time(e.getTimestampMillis()) + " " + e.getType() + " " + orDash(e.getDataType()) + " "
                + orDash(e.getModelName()) + "@" + e.getModelVersion() + " previous="
                + (e.getPreviousVersion() == 0
                        ? "-"
                        : (e.getPreviousModelName().isEmpty() ? "" : e.getPreviousModelName() + "@")
                                + e.getPreviousVersion())
                + " reason="
                + quoted(e.getReason()) + " emitted_by=" + orDash(e.getEmittedBy())
                + (e.getDescriptorTopic().isEmpty()
                        ? ""
                        : " descriptor=" + e.getDescriptorTopic() + "-" + e.getDescriptorPartition() + "@"
                                + e.getDescriptorOffset());
    }

    /** Milliseconds since the epoch as an ISO-8601 instant (UTC); "-" when not set. */
    static String time(long epochMillis) {
        return epochMillis == 0 ? "-" : Instant.ofEpochMilli(epochMillis).toString();
    }

    /** Free text on one line, quoted. */
    static String quoted(String text) {
        return "\"" + text.replaceAll("\\s*\\R\\s*", " ").replace("\"", "'") + "\"";
    }

    private static String status(ServingStatus status) {
        return status == ServingStatus.UNRECOGNIZED ? "UNKNOWN_STATUS" : status.name();
    }

    private static String numbers(List<Double> values) {
        return values.stream().map(MessageLines::number).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String number(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        return new BigDecimal(value).round(SHOWN).stripTrailingZeros().toPlainString();
    }

    private static String orDash(String text) {
        return text.isEmpty() ? "-" : text;
    }
}

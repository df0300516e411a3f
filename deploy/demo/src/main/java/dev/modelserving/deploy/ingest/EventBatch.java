package dev.modelserving.deploy.ingest;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One answer of {@code GET /readings?since=<cursor>}: the events from position {@code from} on, and the cursor to ask
 * with next. {@code from} is above the cursor asked for when the API no longer held the events in between (its
 * buffer is bounded): the client can tell how many it missed.
 *
 * @param from position of the first event in {@code events}
 * @param cursor position after the last event: the {@code since} of the next request
 * @param events the events, in order
 */
public record EventBatch(
        @JsonProperty("from") long from,
        @JsonProperty("cursor") long cursor,
        @JsonProperty("events") List<Object> events) {

    public EventBatch {
        events = List.copyOf(events);
    }
}

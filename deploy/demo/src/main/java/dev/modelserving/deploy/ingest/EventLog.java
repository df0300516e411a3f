package dev.modelserving.deploy.ingest;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The sensor API's memory: events in arrival order, each at a position (0, 1, 2, ...), the oldest dropped once more
 * than {@code capacity} are held. Thread-safe: the simulator appends while HTTP requests read.
 */
public final class EventLog {

    private final int capacity;
    private final ArrayDeque<Object> events = new ArrayDeque<>();
    private long first;

    public EventLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Appends an event (a {@link SensorEvent}, or anything Jackson writes, e.g. a deliberately broken event). */
    public synchronized void append(Object event) {
        events.addLast(event);
        if (events.size() > capacity) {
            events.removeFirst();
            first++;
        }
    }

    /** The position the next event will get. */
    public synchronized long end() {
        return first + events.size();
    }

    /**
     * Up to {@code limit} events from position {@code since} on: from the oldest held when that is later, and from
     * the end (none) when {@code since} is beyond it (a cursor of an earlier run).
     */
    public synchronized EventBatch read(long since, int limit) {
        long end = first + events.size();
        long from = Math.min(Math.max(since, first), end);
        List<Object> batch = new ArrayList<>();
        if (from < end) {
            int skip = (int) (from - first);
            int i = 0;
            for (Object event : events) {
                if (i++ < skip) {
                    continue;
                }
                if (batch.size() == limit) {
                    break;
                }
                batch.add(event);
            }
        }
        return new EventBatch(from, from + batch.size(), batch);
    }
}

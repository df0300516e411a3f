package dev.modelserving.deploy.demo;

import dev.modelserving.deploy.kafka.ProtoPublisher;
import dev.modelserving.deploy.samples.SensorGenerator;
import dev.modelserving.proto.SensorReading;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Streams generated sensor readings at a steady rate until stopped: to a Kafka topic, or to any other sink (the
 * sensor HTTP API's event log).
 */
public final class SensorFeed implements Runnable {

    private final SensorGenerator generator;
    private final Consumer<SensorReading> sink;
    private final Runnable onStop;
    private final int recordsPerSecond;
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean running = true;

    /** A feed to {@code topic}, keyed by machine id. */
    public SensorFeed(SensorGenerator generator, ProtoPublisher publisher, String topic, int recordsPerSecond) {
        this(generator, r -> publisher.send(topic, r.getMachineId(), r), publisher::flush, recordsPerSecond);
    }

    /** A feed to {@code sink}; {@code onStop} runs when the feed stops (e.g. a flush). */
    public SensorFeed(SensorGenerator generator, Consumer<SensorReading> sink, Runnable onStop, int recordsPerSecond) {
        if (recordsPerSecond < 1) {
            throw new IllegalArgumentException("rate must be >= 1 record/s");
        }
        this.generator = generator;
        this.sink = sink;
        this.onStop = onStop;
        this.recordsPerSecond = recordsPerSecond;
    }

    @Override
    public void run() {
        long intervalNanos = 1_000_000_000L / recordsPerSecond;
        long next = System.nanoTime();
        while (running) {
            SensorReading reading = generator.next();
            sink.accept(reading);
            sent.incrementAndGet();
            next += intervalNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
        onStop.run();
    }

    public long sent() {
        return sent.get();
    }

    public void stop() {
        running = false;
    }
}

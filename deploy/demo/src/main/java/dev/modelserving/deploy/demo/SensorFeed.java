package dev.modelserving.deploy.demo;

import dev.modelserving.deploy.kafka.ProtoPublisher;
import dev.modelserving.deploy.samples.SensorGenerator;
import dev.modelserving.proto.SensorReading;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** Streams generated sensor readings to a topic at a steady rate until stopped. */
public final class SensorFeed implements Runnable {

    private final SensorGenerator generator;
    private final ProtoPublisher publisher;
    private final String topic;
    private final int recordsPerSecond;
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean running = true;

    public SensorFeed(SensorGenerator generator, ProtoPublisher publisher, String topic, int recordsPerSecond) {
        if (recordsPerSecond < 1) {
            throw new IllegalArgumentException("rate must be >= 1 record/s");
        }
        this.generator = generator;
        this.publisher = publisher;
        this.topic = topic;
        this.recordsPerSecond = recordsPerSecond;
    }

    @Override
    public void run() {
        long intervalNanos = 1_000_000_000L / recordsPerSecond;
        long next = System.nanoTime();
        while (running) {
            SensorReading reading = generator.next();
            publisher.send(topic, reading.getMachineId(), reading);
            sent.incrementAndGet();
            next += intervalNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
        publisher.flush();
    }

    public long sent() {
        return sent.get();
    }

    public void stop() {
        running = false;
    }
}

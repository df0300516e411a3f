package dev.modelserving.model.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.model.Model;
import dev.modelserving.model.ModelId;
import dev.modelserving.model.Prediction;
import dev.modelserving.proto.DataRecord;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The retirer closes models in order on its own thread, and leaves no thread behind when idle or closed. */
class ModelRetirerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** A model that records its name and its closing thread in {@code closes} when closed. */
    private static Model named(String name, List<String> closes) {
        return new Model() {
            @Override
            public ModelId id() {
                throw new UnsupportedOperationException("not scored");
            }

            @Override
            public Prediction score(DataRecord record) {
                throw new UnsupportedOperationException("not scored");
            }

            @Override
            public void close() {
                closes.add(name + " on " + Thread.currentThread().getName());
            }
        };
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Test
    void modelsAreClosedInTheOrderRetiredAndTheIdleThreadEnds() throws Exception {
        String threadName = "retirer-test-" + System.nanoTime();
        ModelRetirer retirer = new ModelRetirer(threadName, 200);
        List<String> closes = new CopyOnWriteArrayList<>();
        retirer.retire(null, "nothing");
        for (String name : List.of("a", "b", "c")) {
            retirer.retire(named(name, closes), "model " + name);
        }
        retirer.idle().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(closes).containsExactly("a on " + threadName, "b on " + threadName, "c on " + threadName);
        assertThat(retirer.closed()).isEqualTo(3);
        assertThat(retirer.pending()).isZero();

        awaitNoThread(threadName, "the idle thread ends although the retirer is not closed");
        retirer.retire(named("d", closes), "model d");
        retirer.idle().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(closes).last().isEqualTo("d on " + threadName);
        retirer.close();
        awaitNoThread(threadName, "no thread after close");
        retirer.retire(named("e", closes), "model e");
        assertThat(closes)
                .as("closed at once on the caller after the close")
                .last()
                .isEqualTo("e on " + Thread.currentThread().getName());
    }

    private static void awaitNoThread(String name, String why) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (threadAlive(name)) {
            assertThat(System.nanoTime()).as(why).isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }
}

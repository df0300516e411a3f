package dev.modelserving.deploy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

    @Test
    void aThreadThatSpinsIsTheBusiestAndItsShareOfACoreIsMeasured() {
        ThreadCpu before = ThreadCpu.now();
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        while (System.nanoTime() < until) {
            Thread.onSpinWait(); // this thread is busy; every other Java thread of the test JVM waits
        }
        ThreadCpu.Busiest busiest = ThreadCpu.now().since(before);

        assertThat(busiest.busiestThread()).isEqualTo(Thread.currentThread().getName());
        assertThat(busiest.wallNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(busiest.busiestCpuNanos()).isPositive().isLessThanOrEqualTo(busiest.wallNanos() + 20_000_000L);
    }

    @Test
    void theShortNameEndsAtTheFirstChainedOperatorAndHasNoColumnSeparator() {
        assertThat(new ThreadCpu.Busiest("Keyed model serving -> (Kafka results: Writer) (1/1)#0", 1, 2, 0).shortName())
                .isEqualTo("Keyed model serving");
        assertThat(new ThreadCpu.Busiest("kafka-producer-network-thread | producer-1", 1, 2, 0).shortName())
                .isEqualTo("kafka-producer-network-thread producer-1");
        assertThat(new ThreadCpu.Busiest("t", 500, 1000, 0).percentOfACore()).isEqualTo(50.0);
    }
}

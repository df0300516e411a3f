package dev.modelserving.job.it;

import dev.modelserving.testkit.EmbeddedKafkaBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A real in-process broker (plaintext, default settings) started before a test class and stopped after it; the tests
 * of the class share it, each with topics of its own prefix.
 */
abstract class BrokerPerClass {

    /** The broker of the running test class. */
    static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = new EmbeddedKafkaBroker().start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }
}

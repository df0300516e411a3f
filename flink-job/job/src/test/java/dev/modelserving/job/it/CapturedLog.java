package dev.modelserving.job.it;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * A log4j 2 appender on the root logger that keeps the messages of this JVM's log (the MiniCluster's included) that
 * contain a given text, while it is open.
 */
final class CapturedLog extends AbstractAppender implements AutoCloseable {

    private final String containing;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    private CapturedLog(String containing) {
        super("captured-" + containing, null, null, true, Property.EMPTY_ARRAY);
        this.containing = containing;
    }

    /** Starts capturing the messages that contain {@code containing}. */
    static CapturedLog containing(String containing) {
        CapturedLog log = new CapturedLog(containing);
        log.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().addAppender(log, null, null);
        context.updateLoggers();
        return log;
    }

    @Override
    public void append(LogEvent event) {
        String message = event.getMessage().getFormattedMessage();
        if (message.contains(containing)) {
            messages.add(message);
        }
    }

    List<String> messages() {
        return List.copyOf(messages);
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(getName());
        context.updateLoggers();
        stop();
    }
}

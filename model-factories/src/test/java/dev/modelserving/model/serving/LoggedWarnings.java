package dev.modelserving.model.serving;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * Keeps the WARN (and worse) log events of one class's logger while open, each as its message and the message of the
 * exception logged with it: lets a test check that a failure was logged rather than swallowed.
 */
final class LoggedWarnings extends AbstractAppender implements AutoCloseable {

    /** One event: the formatted message and the logged exception's message (empty: none). */
    record Warning(String message, String exception) {}

    private final String loggerName;
    private final List<Warning> warnings = new CopyOnWriteArrayList<>();

    private LoggedWarnings(Class<?> of) {
        super("warnings-of-" + of.getName(), null, null, true, Property.EMPTY_ARRAY);
        this.loggerName = of.getName();
    }

    /** Starts keeping the warnings that the logger of {@code of} writes. */
    static LoggedWarnings of(Class<?> of) {
        LoggedWarnings appender = new LoggedWarnings(of);
        appender.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().addAppender(appender, Level.WARN, null);
        context.updateLoggers();
        return appender;
    }

    @Override
    public void append(LogEvent event) {
        if (!event.getLoggerName().equals(loggerName) || !event.getLevel().isMoreSpecificThan(Level.WARN)) {
            return;
        }
        Throwable thrown = event.getThrown();
        warnings.add(new Warning(
                event.getMessage().getFormattedMessage(), thrown == null ? "" : String.valueOf(thrown.getMessage())));
    }

    List<Warning> warnings() {
        return List.copyOf(warnings);
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(getName());
        context.updateLoggers();
        stop();
    }
}

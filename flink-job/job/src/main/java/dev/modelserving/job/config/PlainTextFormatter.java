package dev.modelserving.job.config;

import java.util.EnumSet;
import org.apache.flink.configuration.description.Formatter;
import org.apache.flink.configuration.description.TextElement;

/** Renders a Flink option {@code Description} as one line of plain text (for {@code --help} and the README). */
final class PlainTextFormatter extends Formatter {

    @Override
    protected void formatLink(StringBuilder state, String link, String description) {
        state.append(description).append(" (").append(link).append(')');
    }

    @Override
    protected void formatLineBreak(StringBuilder state) {
        state.append(' ');
    }

    @Override
    protected void formatText(
            StringBuilder state, String format, String[] elements, EnumSet<TextElement.TextStyle> styles) {
        state.append(String.format(format, (Object[]) elements));
    }

    @Override
    protected void formatList(StringBuilder state, String[] entries) {
        state.append(String.join("; ", entries));
    }

    @Override
    protected Formatter newInstance() {
        return new PlainTextFormatter();
    }
}

package dev.modelserving.model.trust;

import java.io.Serializable;

/**
 * A data type or model name pattern of the trust policy: an exact name, {@code *} (anything) or a prefix followed by
 * {@code *} ({@code forecast-*}). No other wildcard: what a publisher may touch stays readable at a glance.
 */
record NamePattern(String text) implements Serializable {

    NamePattern {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("an empty pattern (use \"*\" for any)");
        }
        int star = text.indexOf('*');
        if (star >= 0 && star != text.length() - 1) {
            throw new IllegalArgumentException("pattern '" + text + "': '*' is only allowed at the end");
        }
    }

    boolean matches(String name) {
        return text.endsWith("*") ? name.startsWith(text.substring(0, text.length() - 1)) : text.equals(name);
    }

    @Override
    public String toString() {
        return text;
    }
}

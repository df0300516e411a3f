package dev.modelserving.flink.types;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import java.lang.reflect.InvocationTargetException;

/** Reflective access to a generated protobuf message class: its default instance and parser. */
final class ProtoMessages {

    private ProtoMessages() {}

    /**
     * The default instance of a generated message class.
     *
     * @throws IllegalArgumentException when the class is not a generated message (no static getDefaultInstance())
     */
    static <T extends Message> T defaultInstance(Class<T> messageClass) {
        try {
            Object instance = messageClass.getMethod("getDefaultInstance").invoke(null);
            return messageClass.cast(instance);
        } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException | ClassCastException e) {
            throw new IllegalArgumentException(
                    messageClass.getName() + " is not a generated protobuf message class (no getDefaultInstance())", e);
        }
    }

    /** The parser of a generated message class. */
    @SuppressWarnings("unchecked")
    static <T extends Message> Parser<T> parser(Class<T> messageClass) {
        return (Parser<T>) defaultInstance(messageClass).getParserForType();
    }

    /**
     * Loads a message class by name, as a savepoint names it.
     *
     * @throws IllegalArgumentException when the class is missing or is not a protobuf message
     */
    static Class<? extends Message> load(String className, ClassLoader classLoader) {
        Class<?> loaded;
        try {
            loaded = Class.forName(className, false, classLoader);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("protobuf message class " + className + " is not on the classpath", e);
        }
        if (!Message.class.isAssignableFrom(loaded)) {
            throw new IllegalArgumentException(className + " is not a protobuf message class");
        }
        return loaded.asSubclass(Message.class);
    }
}

package dev.modelserving.model;

import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import java.util.Collection;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The factories available to a class loader, by type name. Immutable; build one per user (no static registry). */
public final class ModelFactories {

    private final Map<String, ModelFactory> byType;

    private ModelFactories(Map<String, ModelFactory> byType) {
        this.byType = Map.copyOf(byType);
    }

    /** Every factory listed under {@code META-INF/services} visible to the class loader. */
    public static ModelFactories discover(ClassLoader classLoader) {
        Map<String, ModelFactory> found = new TreeMap<>();
        for (ModelFactory factory : ServiceLoader.load(ModelFactory.class, classLoader)) {
            ModelFactory previous = found.putIfAbsent(factory.type(), factory);
            if (previous != null && previous.getClass() != factory.getClass()) {
                throw new IllegalStateException("two factories for model type " + factory.type() + ": "
                        + previous.getClass().getName() + " and "
                        + factory.getClass().getName());
            }
        }
        return new ModelFactories(found);
    }

    /** Exactly these factories (tests, embedding). */
    public static ModelFactories of(Collection<? extends ModelFactory> factories) {
        Map<String, ModelFactory> byType = new TreeMap<>();
        factories.forEach(f -> byType.put(f.type(), f));
        return new ModelFactories(byType);
    }

    /** The type name a descriptor asks for: the enum name, or {@code custom_type} for CUSTOM. */
    public static String typeOf(ModelDescriptor descriptor) {
        return descriptor.getModelType() == ModelType.CUSTOM
                ? descriptor.getCustomType()
                : descriptor.getModelType().name();
    }

    /** The factory for a descriptor's type. */
    public ModelFactory forDescriptor(ModelDescriptor descriptor) throws ModelLoadException {
        String type = typeOf(descriptor);
        ModelFactory factory = byType.get(type);
        if (factory == null) {
            throw new ModelLoadException(
                    ModelProblem.UNKNOWN_MODEL_TYPE,
                    "no factory for model type '" + type + "'; known types: " + byType.keySet());
        }
        return factory;
    }

    /** Type names with a factory, sorted. */
    public java.util.Set<String> types() {
        return new java.util.TreeSet<>(byType.keySet());
    }
}

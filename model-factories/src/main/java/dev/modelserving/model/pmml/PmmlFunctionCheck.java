package dev.modelserving.model.pmml;

import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import org.dmg.pmml.Apply;
import org.dmg.pmml.DefineFunction;
import org.dmg.pmml.PMML;
import org.dmg.pmml.VisitorAction;
import org.jpmml.evaluator.Function;
import org.jpmml.model.visitors.AbstractVisitor;

/**
 * Refuses PMML {@code Apply} functions that JPMML would resolve by loading a Java class by name.
 *
 * <p>JPMML-Evaluator 1.7.7 evaluates {@code <Apply function="f">} through {@code FunctionRegistry.getFunction(f)}
 * first: its table of PMML built-ins, then, for any other name, {@code ClassLoader.loadClass(f)} and, if the class
 * implements {@link Function}, a new instance (running its static initializer and constructor); only when no such
 * class exists does it look for the document's {@code DefineFunction f}. A document could thus run any
 * {@code Function} class on the TaskManager's classpath. So an {@code Apply} function must be a built-in (the
 * resource {@value #BUILT_INS_RESOURCE}, JPMML's table), or listed in {@code LoadPolicy.allowedPmmlFunctions}
 * ({@code --allow-pmml-functions}), or a {@code DefineFunction} of the document whose name is no class JPMML could
 * load (probed without initializing it).
 */
final class PmmlFunctionCheck {

    /** Classpath resource listing JPMML's built-in function names. */
    static final String BUILT_INS_RESOURCE = "/dev/modelserving/model/pmml/pmml-builtin-functions.txt";

    private static final Set<String> BUILT_INS = readBuiltIns();
    private static final int MAX_LISTED = 30;

    private PmmlFunctionCheck() {}

    /** The built-in function names, as listed in {@value #BUILT_INS_RESOURCE}. */
    static Set<String> builtIns() {
        return BUILT_INS;
    }

    /**
     * Checks every {@code Apply} of the parsed document (transformations, models, outputs, function bodies).
     *
     * @param allowed function names the deployment allows besides built-ins and document functions
     * @throws ModelLoadException {@link ModelProblem#DISALLOWED_OPERATION} naming the refused functions
     */
    static void check(PMML pmml, Collection<String> allowed) throws ModelLoadException {
        Set<String> defined = new HashSet<>();
        Set<String> applied = new LinkedHashSet<>();
        pmml.accept(new AbstractVisitor() {
            @Override
            public VisitorAction visit(DefineFunction defineFunction) {
                defined.add(defineFunction.requireName());
                return super.visit(defineFunction);
            }

            @Override
            public VisitorAction visit(Apply apply) {
                applied.add(apply.requireFunction());
                return super.visit(apply);
            }
        });
        Set<String> refused = new LinkedHashSet<>();
        Set<String> classes = new LinkedHashSet<>();
        for (String function : applied) {
            if (BUILT_INS.contains(function) || allowed.contains(function)) {
                continue;
            }
            if (!defined.contains(function)) {
                refused.add(function);
            } else if (isFunctionClass(function)) {
                classes.add(function);
            }
        }
        if (refused.isEmpty() && classes.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder("the PMML document applies");
        if (!refused.isEmpty()) {
            message.append(" functions that are neither PMML built-ins nor defined by the document (JPMML would load"
                            + " them as Java classes by name): ")
                    .append(listed(refused));
        }
        if (!classes.isEmpty()) {
            message.append(refused.isEmpty() ? "" : "; and")
                    .append(" DefineFunctions named like Java classes JPMML" + " would run instead: ")
                    .append(listed(classes));
        }
        message.append(". A trusted function class can be allowed with --allow-pmml-functions");
        throw new ModelLoadException(ModelProblem.DISALLOWED_OPERATION, message.toString());
    }

    private static String listed(Set<String> names) {
        return names.stream()
                        .limit(MAX_LISTED)
                        .map(n -> "'" + PmmlEvaluatorLoader.clip(n) + "'")
                        .toList()
                + (names.size() > MAX_LISTED ? " and " + (names.size() - MAX_LISTED) + " more" : "");
    }

    /**
     * Whether JPMML's class loader can load a {@link Function} class of this name. The class is loaded without being
     * initialized, so none of its code runs; a name that is no loadable class is simply not one.
     */
    private static boolean isFunctionClass(String name) {
        try {
            Class<?> clazz = Class.forName(name, false, Function.class.getClassLoader());
            return Function.class.isAssignableFrom(clazz);
        } catch (ClassNotFoundException | LinkageError | IllegalArgumentException notAClass) {
            return false;
        }
    }

    private static Set<String> readBuiltIns() {
        InputStream in = PmmlFunctionCheck.class.getResourceAsStream(BUILT_INS_RESOURCE);
        if (in == null) {
            throw new IllegalStateException("the PMML built-in function list " + BUILT_INS_RESOURCE + " is missing");
        }
        Set<String> names = new HashSet<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String name = line.strip();
                if (!name.isEmpty() && !name.startsWith("#")) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + BUILT_INS_RESOURCE, e);
        }
        return Set.copyOf(names);
    }
}

package dev.modelserving.model.pmml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jpmml.evaluator.FieldValue;
import org.jpmml.evaluator.FieldValueUtil;
import org.jpmml.evaluator.TypeInfos;
import org.jpmml.evaluator.functions.AbstractFunction;

/**
 * A JPMML function class whose static initializer creates the file named by the system property {@value #MARKER}:
 * the side effect a PMML document could trigger by naming this class in an {@code Apply}. Evaluates to 3 × its
 * argument. Only {@link PmmlFunctionPolicyTest} uses it.
 */
public final class FileCreatingFunction extends AbstractFunction {

    /** The system property naming the file to create. */
    static final String MARKER = "modelserving.test.pmml-function-marker";

    static {
        String marker = System.getProperty(MARKER);
        if (marker != null) {
            try {
                Files.writeString(Path.of(marker), "created by a class a PMML document named");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public FileCreatingFunction() {
        super(FileCreatingFunction.class.getName());
    }

    @Override
    public FieldValue evaluate(List<FieldValue> arguments) {
        checkFixedArityArguments(arguments, 1);
        return FieldValueUtil.create(
                TypeInfos.CONTINUOUS_DOUBLE, getRequiredArgument(arguments, 0).asDouble() * 3);
    }
}

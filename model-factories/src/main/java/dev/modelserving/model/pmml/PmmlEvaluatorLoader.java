package dev.modelserving.model.pmml;

import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.ValidationEvent;
import jakarta.xml.bind.ValidationEventHandler;
import jakarta.xml.bind.ValidationEventLocator;
import java.io.ByteArrayInputStream;
import java.util.Collection;
import java.util.EnumSet;
import javax.xml.parsers.ParserConfigurationException;
import org.dmg.pmml.ResultFeature;
import org.jpmml.evaluator.Evaluator;
import org.jpmml.evaluator.LoadingModelEvaluatorBuilder;
import org.jpmml.model.PMMLException;
import org.xml.sax.SAXException;

/**
 * Parses PMML bytes into a built and verified JPMML {@link Evaluator}, turning every way a document can be wrong into a
 * {@link ModelLoadException} with a short, precise message.
 *
 * <p>JPMML's loader parses with {@code disallow-doctype-decl}: a document with a DOCTYPE is refused before any DTD or
 * entity is read, so an external entity is never resolved. The refusal is reported as such; the parser's text is not
 * echoed beyond its position.
 */
final class PmmlEvaluatorLoader {

    /** Parser messages can be long (JAXB lists every PMML element it expected): keep messages readable. */
    private static final int MAX_REASON_CHARS = 300;

    private PmmlEvaluatorLoader() {}

    /**
     * Loads, builds and verifies the model of a PMML document.
     *
     * @throws ModelLoadException {@link ModelProblem#INVALID_ARTIFACT} when the bytes are not a usable PMML document
     *     (empty, not XML, truncated, a DOCTYPE, not PMML, no scorable model, an element JPMML cannot evaluate);
     *     or nested deeper than {@link PmmlNestingCheck#MAX_DEPTH} elements, or whose functions or fields are defined
     *     in a cycle ({@link PmmlCycleCheck});
     *     {@link ModelProblem#VALIDATION_FAILED} when the document's own ModelVerification records do not verify;
     *     {@link ModelProblem#DISALLOWED_OPERATION} when it applies a function JPMML would load as a Java class
     *     (see {@link PmmlFunctionCheck}), checked before the evaluator is built
     * @param allowedFunctions non-built-in function names the deployment allows
     */
    static Evaluator load(byte[] document, Collection<String> allowedFunctions) throws ModelLoadException {
        if (document.length == 0) {
            throw new ModelLoadException(ModelProblem.INVALID_ARTIFACT, "not a PMML document: the artifact is empty");
        }
        PmmlNestingCheck.check(document);
        FirstXmlProblem xmlProblem = new FirstXmlProblem();
        LoadingModelEvaluatorBuilder builder = new LoadingModelEvaluatorBuilder()
                .setValidationEventHandler(xmlProblem)
                // Without this JPMML returns bare predicted values for some models (trees) and no probabilities.
                .setExtraResultFeatures(EnumSet.of(ResultFeature.PROBABILITY));
        try {
            builder.load(new ByteArrayInputStream(document));
        } catch (JAXBException | SAXException e) {
            throw parseFailure(xmlProblem, e);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the XML parser for PMML cannot be configured in this JVM", e);
        } catch (PMMLException e) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT, "PMML document cannot be used: " + clip(e.getMessage()), e);
        } catch (RuntimeException e) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT, "PMML document cannot be used: " + clip(String.valueOf(e)), e);
        }
        PmmlFunctionCheck.check(builder.getPMML(), allowedFunctions);
        PmmlCycleCheck.check(builder.getPMML());
        Evaluator evaluator;
        try {
            evaluator = builder.build();
        } catch (PMMLException e) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT, "PMML model cannot be built: " + clip(e.getMessage()), e);
        } catch (RuntimeException e) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT, "PMML model cannot be built: " + clip(String.valueOf(e)), e);
        }
        try {
            evaluator.verify();
        } catch (PMMLException e) {
            throw new ModelLoadException(
                    ModelProblem.VALIDATION_FAILED,
                    "the PMML document's own ModelVerification records fail: " + clip(e.getMessage()),
                    e);
        } catch (RuntimeException e) {
            throw new ModelLoadException(
                    ModelProblem.VALIDATION_FAILED,
                    "the PMML document's own ModelVerification records fail: " + clip(String.valueOf(e)),
                    e);
        }
        return evaluator;
    }

    private static ModelLoadException parseFailure(FirstXmlProblem xmlProblem, Exception e) {
        String reason = xmlProblem.describe();
        if (reason == null) {
            reason = deepestMessage(e);
        }
        if (reason.contains("DOCTYPE")) {
            return new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT,
                    "PMML with a DOCTYPE is refused (DTDs and external entities are never processed)"
                            + xmlProblem.position(),
                    e);
        }
        return new ModelLoadException(ModelProblem.INVALID_ARTIFACT, "not a PMML document: " + clip(reason), e);
    }

    /** The innermost non-blank message of an exception chain (JAXB keeps the parser's one as the linked exception). */
    private static String deepestMessage(Throwable e) {
        String message = String.valueOf(e);
        int depth = 0;
        for (Throwable t = e; t != null && depth++ < 16; t = t.getCause() != null ? t.getCause() : linked(t)) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message;
    }

    private static Throwable linked(Throwable t) {
        return t instanceof JAXBException j && j.getLinkedException() != t ? j.getLinkedException() : null;
    }

    static String clip(String reason) {
        if (reason == null) {
            return "(no detail)";
        }
        String text = reason.strip();
        int expected = text.indexOf(" Expected elements are");
        if (expected > 0) {
            text = text.substring(0, expected);
        }
        return text.length() <= MAX_REASON_CHARS ? text : text.substring(0, MAX_REASON_CHARS) + "...";
    }

    /**
     * Records the first XML/JAXB error of one load and stops the parse there (instead of JAXB's default handler, which
     * prints to stderr). Warnings are tolerated. One instance per load.
     */
    private static final class FirstXmlProblem implements ValidationEventHandler {

        private ValidationEvent first;

        @Override
        public boolean handleEvent(ValidationEvent event) {
            if (event.getSeverity() == ValidationEvent.WARNING) {
                return true;
            }
            if (first == null) {
                first = event;
            }
            return false;
        }

        /** The first error with its position, or {@code null} when none was reported. */
        String describe() {
            if (first == null) {
                return null;
            }
            String message = first.getMessage();
            if ((message == null || message.isBlank()) && first.getLinkedException() != null) {
                message = String.valueOf(first.getLinkedException());
            }
            return message + position();
        }

        /** " at line L, column C" of the first error, or "" when unknown. */
        String position() {
            ValidationEventLocator locator = first == null ? null : first.getLocator();
            if (locator == null || locator.getLineNumber() < 0) {
                return "";
            }
            return " at line " + locator.getLineNumber()
                    + (locator.getColumnNumber() >= 0 ? ", column " + locator.getColumnNumber() : "");
        }
    }
}

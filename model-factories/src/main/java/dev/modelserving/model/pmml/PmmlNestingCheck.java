package dev.modelserving.model.pmml;

import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import java.io.ByteArrayInputStream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a PMML document whose XML elements nest deeper than {@value #MAX_DEPTH}, before JPMML parses it.
 *
 * <p>JPMML evaluates nested expressions ({@code Apply} in {@code Apply}, compound predicates, tree nodes) by recursion
 * on the thread that scores, which is the Flink task thread. A document nested a few thousand levels deep loads
 * (JAXB's unmarshaller is not recursive) and may even validate on the loader thread, then throws
 * {@link StackOverflowError} on the first record that reaches the deep expression: an error that escapes the operator
 * and is replayed after every restore. Bounding the depth before anything is built keeps that error from ever
 * happening, rather than catching it. Real documents nest a few dozen levels (a tree of depth d nests d + 4).
 *
 * <p>Only counts elements with a streaming parser that processes no DTD and no external entity; a document this parser
 * cannot read is left to JPMML's loader, which reports the problem with its position.
 */
final class PmmlNestingCheck {

    /** Deepest element nesting accepted (scoring at this depth needs well under 512 KiB of stack). */
    static final int MAX_DEPTH = 500;

    private static final Logger LOG = LoggerFactory.getLogger(PmmlNestingCheck.class);

    private PmmlNestingCheck() {}

    /**
     * @throws ModelLoadException {@link ModelProblem#INVALID_ARTIFACT} when an element nests deeper than
     *     {@value #MAX_DEPTH}
     */
    static void check(byte[] document) throws ModelLoadException {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        XMLStreamReader reader = null;
        try {
            reader = factory.createXMLStreamReader(new ByteArrayInputStream(document));
            int depth = 0;
            while (reader.hasNext()) {
                int event = reader.next();
                if (event == XMLStreamConstants.START_ELEMENT && ++depth > MAX_DEPTH) {
                    throw new ModelLoadException(
                            ModelProblem.INVALID_ARTIFACT,
                            "the PMML document nests elements"
                                    + " deeper than " + MAX_DEPTH + " levels (element <" + reader.getLocalName()
                                    + "> at line "
                                    + reader.getLocation().getLineNumber()
                                    + "); JPMML would evaluate it by recursion on the"
                                    + " scoring thread");
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                }
            }
        } catch (XMLStreamException e) {
            // Not readable XML: JPMML's loader parses it next and reports the problem with its own message.
            LOG.debug("nesting check stopped at unreadable XML; the PMML loader reports it", e);
        } finally {
            close(reader);
        }
    }

    private static void close(XMLStreamReader reader) {
        if (reader == null) {
            return;
        }
        try {
            reader.close();
        } catch (XMLStreamException e) {
            LOG.debug("closing the nesting check's XML reader failed", e);
        }
    }
}

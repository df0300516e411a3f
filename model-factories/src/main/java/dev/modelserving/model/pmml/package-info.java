/**
 * PMML models, evaluated with JPMML-Evaluator (<b>AGPL-3.0</b>; its pmml-model dependency is BSD-3-Clause).
 *
 * <p>{@link dev.modelserving.model.pmml.PmmlModelFactory} turns a PMML document into a
 * {@link dev.modelserving.model.pmml.PmmlModel}: the document is parsed with DOCTYPEs refused (no DTD, no external
 * entity is ever resolved), record features are bound to the model's active fields once at load (explicit
 * {@code input.field_mapping}, else the field's own name), and the chosen target field is decoded into a score or a
 * label with class probabilities.
 */
package dev.modelserving.model.pmml;

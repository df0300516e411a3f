package dev.modelserving.model.tensor;

/**
 * One record's input, ready for a tensor.
 *
 * @param values the values, row-major
 * @param shape the shape of one record without the batch dimension
 */
public record InputVector(float[] values, long[] shape) {}

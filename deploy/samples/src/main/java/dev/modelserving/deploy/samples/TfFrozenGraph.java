package dev.modelserving.deploy.samples;

import org.tensorflow.Graph;
import org.tensorflow.op.Ops;

/**
 * Writes the sample MLP as a frozen TensorFlow graph: a new graph in which the trained weights are constants.
 * Input {@value TfMlpGraph#INPUT} float [-1, 3], output {@value TfMlpGraph#OUTPUT} float [-1, 1]. The same weights
 * always give the same GraphDef bytes (serialized with sorted map entries).
 */
public final class TfFrozenGraph {

    /** Input tensor name. */
    public static final String INPUT = TfMlpGraph.INPUT;
    /** Output tensor name. */
    public static final String OUTPUT = TfMlpGraph.OUTPUT;

    private TfFrozenGraph() {}

    /** The serialized GraphDef. */
    public static byte[] graphDef(MlpWeights weights) {
        float[][] w2 = new float[weights.hiddenUnits()][1];
        for (int k = 0; k < w2.length; k++) {
            w2[k][0] = weights.w2()[k];
        }
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            TfMlpGraph.build(
                    tf,
                    tf.withName("w1").constant(weights.w1()),
                    tf.withName("b1").constant(weights.b1()),
                    tf.withName("w2").constant(w2),
                    tf.withName("b2").constant(new float[] {weights.b2()}),
                    weights.featureMeans(),
                    weights.featureStds(),
                    weights.deltaMean(),
                    weights.deltaStd());
            return DeterministicBytes.of(graph.toGraphDef());
        }
    }
}

package dev.modelserving.deploy.samples;

import java.util.List;

/**
 * Examples for training and examples held out to measure quality.
 *
 * @param train examples the models learn from
 * @param heldOut examples the models never see in training; quality figures come from these
 */
public record DatasetSplit(List<SensorExample> train, List<SensorExample> heldOut) {

    public DatasetSplit {
        train = List.copyOf(train);
        heldOut = List.copyOf(heldOut);
    }
}

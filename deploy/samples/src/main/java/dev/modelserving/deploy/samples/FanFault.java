package dev.modelserving.deploy.samples;

/** The state of a simulated machine's fan. */
public enum FanFault {
    /** The fan follows its curve. */
    NONE,
    /** Worn bearings or a clogged filter: the fan reaches only a fraction (25–50 %) of its target speed. */
    DEGRADED,
    /** The fan has (almost) stopped: it reaches at most 8 % of its target speed. */
    STALLED
}

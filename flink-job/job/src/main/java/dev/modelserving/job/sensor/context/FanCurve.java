package dev.modelserving.job.sensor.context;

import dev.modelserving.proto.FanCurvePoint;
import dev.modelserving.proto.MachineProperties;
import java.util.Arrays;
import java.util.List;

/**
 * A machine's fan control curve: the expected fan rpm at a temperature, interpolated linearly between the curve's
 * points and held constant below the first and above the last point. Built from a validated
 * {@link MachineProperties} (at least one point, finite values, strictly increasing temperatures; see
 * {@link MachinePropertiesParser}). Immutable.
 */
public final class FanCurve {

    private final double[] temperatures;
    private final double[] rpms;

    private FanCurve(double[] temperatures, double[] rpms) {
        this.temperatures = temperatures;
        this.rpms = rpms;
    }

    /**
     * The curve of {@code points}.
     *
     * @throws IllegalArgumentException when there is no point, a value is not finite or temperatures do not increase
     *     strictly (the parser refuses such contexts before they reach a node)
     */
    public static FanCurve of(List<FanCurvePoint> points) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("a fan curve needs at least one point");
        }
        double[] temperatures = new double[points.size()];
        double[] rpms = new double[points.size()];
        for (int i = 0; i < points.size(); i++) {
            FanCurvePoint point = points.get(i);
            if (!Double.isFinite(point.getTemperatureC()) || !Double.isFinite(point.getRpm())) {
                throw new IllegalArgumentException("fan curve point " + i + " is not finite");
            }
            if (i > 0 && !(point.getTemperatureC() > temperatures[i - 1])) {
                throw new IllegalArgumentException("fan curve temperatures must increase strictly (point " + i + ")");
            }
            temperatures[i] = point.getTemperatureC();
            rpms[i] = point.getRpm();
        }
        return new FanCurve(temperatures, rpms);
    }

    /** The curve of a machine. */
    public static FanCurve of(MachineProperties machine) {
        return of(machine.getFanCurveList());
    }

    /** The expected rpm at {@code temperatureC}; NaN when the temperature is NaN. */
    public double expectedRpm(double temperatureC) {
        if (Double.isNaN(temperatureC)) {
            return Double.NaN;
        }
        int last = temperatures.length - 1;
        if (temperatureC <= temperatures[0]) {
            return rpms[0];
        }
        if (temperatureC >= temperatures[last]) {
            return rpms[last];
        }
        int found = Arrays.binarySearch(temperatures, temperatureC);
        if (found >= 0) {
            return rpms[found];
        }
        int upper = -found - 1; // first point above the temperature; 1 <= upper <= last here
        int lower = upper - 1;
        double fraction = (temperatureC - temperatures[lower]) / (temperatures[upper] - temperatures[lower]);
        return rpms[lower] + fraction * (rpms[upper] - rpms[lower]);
    }

    /** Number of points. */
    public int size() {
        return temperatures.length;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("FanCurve[");
        for (int i = 0; i < temperatures.length; i++) {
            text.append(i == 0 ? "" : ", ").append(temperatures[i]).append("C:").append(rpms[i]);
        }
        return text.append(']').toString();
    }
}

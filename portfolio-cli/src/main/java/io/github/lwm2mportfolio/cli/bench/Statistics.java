package io.github.lwm2mportfolio.cli.bench;

import java.util.Arrays;
import java.util.List;

/** Percentiles of latency samples and medians of runs. */
final class Statistics {

    private Statistics() {
    }

    /**
     * The nearest-rank percentile: the smallest sample with at least p of the samples at or below it (so the
     * p99 of 100 samples is the second slowest); NaN when there are none.
     */
    static double percentile(long[] samples, double p) {
        if (samples.length == 0) {
            return Double.NaN;
        }
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    /** The median, skipping NaN (a figure a run could not give); NaN when no value is left. */
    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).filter(v -> !Double.isNaN(v)).sorted()
                .toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

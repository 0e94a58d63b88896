package dev.tributary.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Median, minimum and maximum of repeated measurements. */
final class Stats {

    private final List<Double> values = new ArrayList<>();

    void add(double value) {
        values.add(value);
    }

    double median() {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    double min() {
        return Collections.min(values);
    }

    double max() {
        return Collections.max(values);
    }

    String format(String unit) {
        return String.format(Locale.ROOT, "median %,.0f %s (min %,.0f, max %,.0f, n=%d)",
                median(), unit, min(), max(), values.size());
    }

    String formatRatio() {
        return String.format(Locale.ROOT, "median %.2fx (min %.2fx, max %.2fx, n=%d)",
                median(), min(), max(), values.size());
    }
}

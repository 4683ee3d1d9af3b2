package io.chatgw.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RelayLatencyTest {

    private static Map<Double, Double> buckets(double... boundAndCount) {
        Map<Double, Double> m = new TreeMap<>();
        for (int i = 0; i < boundAndCount.length; i += 2) {
            m.put(boundAndCount[i], boundAndCount[i + 1]);
        }
        return m;
    }

    @Test
    void p99IsTheUpperBoundOfTheBucketHoldingIt() {
        // cumulative counts: 900 events <= 1 ms, 990 <= 2 ms, 1000 <= 5 ms
        Map<Double, Double> after = buckets(0.001, 900, 0.002, 990, 0.005, 1000, Double.POSITIVE_INFINITY, 1000);
        assertEquals(2000.0, RelayLatency.bucketP99Micros(Map.of(), after));
    }

    @Test
    void onlyWhatWasAddedBetweenTheReadingsCounts() {
        // before the window 1000 slow events (<= 5 ms); in the window 100 fast ones (<= 1 ms)
        Map<Double, Double> before = buckets(0.001, 0, 0.002, 0, 0.005, 1000, Double.POSITIVE_INFINITY, 1000);
        Map<Double, Double> after = buckets(0.001, 100, 0.002, 100, 0.005, 1100, Double.POSITIVE_INFINITY, 1100);
        assertEquals(1000.0, RelayLatency.bucketP99Micros(before, after));
    }

    @Test
    void nothingAddedIsNoFigure() {
        Map<Double, Double> same = buckets(0.001, 5, Double.POSITIVE_INFINITY, 5);
        assertTrue(Double.isNaN(RelayLatency.bucketP99Micros(same, same)));
        assertTrue(Double.isNaN(RelayLatency.bucketP99Micros(Map.of(), Map.of())));
    }
}

package io.chatgw.monitor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one window holds: executions by result, and latency to the first event (mean over the executions that
 * had one) and in total (percentiles, milliseconds; -1 when there is no sample).
 */
public record WindowFigures(int calls, int successes, int errors, int timeouts, int firstEventCalls,
                            double meanFirstEventMillis, Percentiles firstEvent, Percentiles total) {

    public record Percentiles(double p50, double p95, double p99) {
        static final Percentiles NONE = new Percentiles(-1, -1, -1);

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("p50", round(p50));
            m.put("p95", round(p95));
            m.put("p99", round(p99));
            return m;
        }
    }

    public double errorRate() {
        return calls == 0 ? 0 : (double) errors / calls;
    }

    public double timeoutRate() {
        return calls == 0 ? 0 : (double) timeouts / calls;
    }

    public double successRate() {
        return calls == 0 ? 0 : (double) successes / calls;
    }

    /** The figures an endpoint shows and a trip keeps (rates rounded to 4 places). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("calls", calls);
        m.put("successes", successes);
        m.put("errors", errors);
        m.put("timeouts", timeouts);
        m.put("success_rate", round4(successRate()));
        m.put("error_rate", round4(errorRate()));
        m.put("timeout_rate", round4(timeoutRate()));
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("calls", firstEventCalls);
        first.put("mean", firstEventCalls == 0 ? -1 : round(meanFirstEventMillis));
        first.putAll(firstEvent.toJson());
        m.put("first_event_ms", first);
        m.put("total_ms", total.toJson());
        return m;
    }

    private static double round(double v) {
        return v < 0 ? -1 : Math.round(v * 10) / 10.0;
    }

    private static double round4(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}

package io.chatgw.resilience;

import io.chatgw.core.ExecutionMode;
import io.chatgw.core.GatewayException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/** A breaker as the admin API shows it: state, the window's figures, its settings. */
final class BreakerViews {

    private BreakerViews() {
    }

    /** The path named in a URL, or 404: only the three paths have breakers. */
    static ExecutionMode pathOf(String name) {
        try {
            return ExecutionMode.parse(name).orElseThrow(() -> new IllegalArgumentException("empty"));
        } catch (IllegalArgumentException e) {
            throw GatewayException.notFound("unknown_path", "no breaker for path '" + abbreviate(name)
                    + "' (paths: legacy, direct_llm, new)");
        }
    }

    static Map<String, Object> of(ExecutionMode path, CircuitBreaker breaker) {
        CircuitBreaker.Metrics m = breaker.getMetrics();
        CircuitBreakerConfig c = breaker.getCircuitBreakerConfig();
        Map<String, Object> calls = new LinkedHashMap<>();
        calls.put("successful", m.getNumberOfSuccessfulCalls());
        calls.put("failed", m.getNumberOfFailedCalls());
        calls.put("slow", m.getNumberOfSlowCalls());
        calls.put("not_permitted", m.getNumberOfNotPermittedCalls());
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("failure_rate_threshold", c.getFailureRateThreshold());
        config.put("slow_call_rate_threshold", c.getSlowCallRateThreshold());
        config.put("slow_call_duration_ms", c.getSlowCallDurationThreshold().toMillis());
        config.put("minimum_calls", c.getMinimumNumberOfCalls());
        config.put("window_seconds", c.getSlidingWindowSize());
        config.put("wait_in_open_ms", c.getWaitIntervalFunctionInOpenState().apply(1));
        config.put("half_open_calls", c.getPermittedNumberOfCallsInHalfOpenState());
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("path", path.wire());
        view.put("state", stateName(breaker.getState()));
        // -1 until the window holds minimum_calls
        view.put("failure_rate", m.getFailureRate());
        view.put("slow_call_rate", m.getSlowCallRate());
        view.put("calls", calls);
        view.put("config", config);
        return view;
    }

    /** resilience4j's states in the API's words: DISABLED is what "forced closed" does. */
    static String stateName(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED -> "closed";
            case OPEN -> "open";
            case HALF_OPEN -> "half_open";
            case FORCED_OPEN -> "forced_open";
            case DISABLED -> "forced_closed";
            case METRICS_ONLY -> "metrics_only";
        };
    }

    static String abbreviate(String value) {
        String clean = value == null ? "" : value.replaceAll("[^A-Za-z0-9_.-]", "?");
        return clean.length() <= 40 ? clean : clean.substring(0, 40) + "...";
    }
}

package io.chatgw.paths;

import io.chatgw.turn.PathRun;
import io.chatgw.turn.Turn;
import java.util.HashMap;
import java.util.Map;

/**
 * The headers every HTTP path (the legacy runtime, the LLM) sends with a turn: its request id; for a shadow run
 * (docs/shadow.md) {@value #SHADOW}{@code : true} and {@value #SHADOW_OF} (the primary's request id), so the upstream
 * can apply no side effects and keep it out of its own billing; the running path span's W3C {@code traceparent}
 * when tracing is on (docs/operations.md#traces).
 */
final class UpstreamHeaders {

    static final String SHADOW = "X-Gateway-Shadow";
    static final String SHADOW_OF = "X-Gateway-Shadow-Of";
    static final String TRACEPARENT = "traceparent";

    private UpstreamHeaders() {
    }

    static Map<String, String> of(Turn turn) {
        Map<String, String> headers = new HashMap<>(8);
        headers.put("X-Request-Id", turn.requestId().toString());
        if (turn.isShadow()) {
            headers.put(SHADOW, "true");
            headers.put(SHADOW_OF, turn.shadowOf().requestId().toString());
        }
        PathRun run = turn.currentRun();
        if (run != null && run.traceparent() != null) {
            headers.put(TRACEPARENT, run.traceparent());
        }
        return headers;
    }
}

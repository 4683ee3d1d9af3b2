package io.chatgw.turn;

import java.util.LinkedHashMap;
import java.util.Map;

/** Token usage as the provider reported it (a usage record may estimate it instead: {@link TokenEstimate}). */
public record Usage(int promptTokens, int completionTokens) {

    public static final Usage NONE = new Usage(0, 0);

    /** The sum, at most {@link Integer#MAX_VALUE} (never wrapped). */
    public int totalTokens() {
        return (int) Math.min(Integer.MAX_VALUE, (long) promptTokens + completionTokens);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt_tokens", promptTokens);
        m.put("completion_tokens", completionTokens);
        m.put("total_tokens", totalTokens());
        return m;
    }
}

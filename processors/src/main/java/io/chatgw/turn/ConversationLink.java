package io.chatgw.turn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Where a turn sits in its session's conversation: whether the conversation keeps it, the turn it continues
 * (an OpenAI Responses {@code previous_response_id}; null: the session's latest turns are its history), the
 * request's own input the conversation keeps with it ({@code input}: a Responses {@code input} whole, as OpenAI chat
 * messages, tool calls and their outputs included; null: the turn's message alone, as the native chat API sends it)
 * and the request's settings a stored response is read back with ({@code settings}: instructions, temperature,
 * tools, ... as sent; null: none).
 */
public record ConversationLink(boolean kept, UUID previousRequestId, List<Map<String, Object>> input,
                               Map<String, Object> settings) {

    /** Kept, continuing the session's latest turns (the native chat API, a named OpenAI session). */
    public static final ConversationLink KEPT = new ConversationLink(true, null, null, null);
    /** Not kept (a per-request OpenAI session, a shadow turn, {@code store: false}). */
    public static final ConversationLink NOT_KEPT = new ConversationLink(false, null, null, null);

    public ConversationLink {
        input = input == null ? null : List.copyOf(input);
        settings = settings == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /**
     * The user's message of this request as the conversation keeps it: {@code message} (the turn's), or with an
     * {@code input}, its own last user message ({@code ""} if it had none: it continued the chain's).
     */
    public String ownMessage(String message) {
        if (input == null) {
            return message;
        }
        for (int i = input.size() - 1; i >= 0; i--) {
            if ("user".equals(input.get(i).get("role")) && input.get(i).get("content") instanceof String text) {
                return text;
            }
        }
        return "";
    }
}

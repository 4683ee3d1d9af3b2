package io.chatgw.turn;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Where a turn sits in its session's conversation: whether the conversation keeps it, the turn it continues
 * (an OpenAI Responses {@code previous_response_id}; null: the session's latest turns are its history) and the
 * messages the client sent before its message that the conversation keeps with it ({@code context}: a
 * Responses {@code input}'s earlier messages, OpenAI chat message maps; instructions are not among them).
 */
public record ConversationLink(boolean kept, UUID previousRequestId, List<Map<String, Object>> context) {

    /** Kept, continuing the session's latest turns (the native chat API, a named OpenAI session). */
    public static final ConversationLink KEPT = new ConversationLink(true, null, List.of());
    /** Not kept (a per-request OpenAI session, a shadow turn, {@code store: false}). */
    public static final ConversationLink NOT_KEPT = new ConversationLink(false, null, List.of());

    public ConversationLink {
        context = context == null ? List.of() : List.copyOf(context);
    }
}

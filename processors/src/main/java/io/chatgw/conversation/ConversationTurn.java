package io.chatgw.conversation;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One stored turn of a session's conversation: the user's message and the answer of the path that answered
 * (with its tool calls and results as {type, data} maps). A failed turn keeps the message, what had streamed
 * and its error code. A turn of an OpenAI Responses chain also names the turn it continues
 * ({@code previousRequestId}: its {@code previous_response_id}) and keeps the messages its input had before the
 * message ({@code context}, OpenAI chat message maps), so a later response continuing it gets them again.
 */
public record ConversationTurn(UUID requestId, UUID sessionId, Instant startedAt, String userMessage, String answer,
                               String status, String path, String errorCode, List<Map<String, Object>> tools,
                               Integer tokens, UUID previousRequestId, List<Map<String, Object>> context) {

    public ConversationTurn {
        context = context == null ? List.of() : List.copyOf(context);
    }

    /** Tokens not counted yet, not part of a response chain. */
    public ConversationTurn(UUID requestId, UUID sessionId, Instant startedAt, String userMessage, String answer,
                            String status, String path, String errorCode, List<Map<String, Object>> tools) {
        this(requestId, sessionId, startedAt, userMessage, answer, status, path, errorCode, tools, null, null, List.of());
    }

    public ConversationTurn withTokens(int counted) {
        return new ConversationTurn(requestId, sessionId, startedAt, userMessage, answer, status, path, errorCode,
                tools, counted, previousRequestId, context);
    }

    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";

    public boolean completed() {
        return COMPLETED.equals(status);
    }
}

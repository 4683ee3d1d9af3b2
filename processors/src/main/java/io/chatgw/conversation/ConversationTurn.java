package io.chatgw.conversation;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One stored turn of a session's conversation: the user's message and the answer of the path that answered
 * (with its tool calls and results as {type, data} maps). A failed turn keeps the message, what had streamed
 * and its error code.
 */
public record ConversationTurn(UUID requestId, UUID sessionId, Instant startedAt, String userMessage, String answer,
                               String status, String path, String errorCode, List<Map<String, Object>> tools,
                               Integer tokens) {

    /** Tokens not counted yet. */
    public ConversationTurn(UUID requestId, UUID sessionId, Instant startedAt, String userMessage, String answer,
                            String status, String path, String errorCode, List<Map<String, Object>> tools) {
        this(requestId, sessionId, startedAt, userMessage, answer, status, path, errorCode, tools, null);
    }

    public ConversationTurn withTokens(int counted) {
        return new ConversationTurn(requestId, sessionId, startedAt, userMessage, answer, status, path, errorCode,
                tools, counted);
    }

    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";

    public boolean completed() {
        return COMPLETED.equals(status);
    }
}

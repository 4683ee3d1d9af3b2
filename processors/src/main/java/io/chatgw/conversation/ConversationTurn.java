package io.chatgw.conversation;

import io.chatgw.turn.ChatEventTypes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One stored turn of a session's conversation: the user's message and the answer of the path that answered
 * (with its tool calls and results as {type, data} maps). A failed turn keeps the message, what had streamed
 * and its error code. A turn of an OpenAI Responses chain also names the turn it continues
 * ({@code previousRequestId}: its {@code previous_response_id}), keeps its request's whole input ({@code input}, OpenAI
 * chat messages with tool calls and tool outputs; {@code userMessage} is then that input's own user message, or
 * {@code ""}) so a later response continuing it gets the same items again, and the request's settings
 * ({@code settings}) that {@code GET /v1/responses/{id}} returns. {@code input} null: the native form (the message alone).
 */
public record ConversationTurn(UUID requestId, UUID sessionId, Instant startedAt, String userMessage, String answer,
                               String status, String path, String errorCode, List<Map<String, Object>> tools,
                               Integer tokens, UUID previousRequestId, List<Map<String, Object>> input,
                               Map<String, Object> settings, String finishReason) {

    public ConversationTurn {
        input = input == null ? null : List.copyOf(input);
        settings = settings == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** Tokens not counted yet, not part of a response chain. */
    public ConversationTurn(UUID requestId, UUID sessionId, Instant startedAt, String userMessage, String answer,
                            String status, String path, String errorCode, List<Map<String, Object>> tools) {
        this(requestId, sessionId, startedAt, userMessage, answer, status, path, errorCode, tools, null, null, null,
                null, null);
    }

    public ConversationTurn withTokens(int counted) {
        return new ConversationTurn(requestId, sessionId, startedAt, userMessage, answer, status, path, errorCode,
                tools, counted, previousRequestId, input, settings, finishReason);
    }

    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";

    public boolean completed() {
        return COMPLETED.equals(status);
    }

    /** The answer's tool calls (its {@code tool_call} events), as OpenAI chat {@code tool_calls} entries, in order. */
    public List<Map<String, Object>> toolCalls() {
        List<Map<String, Object>> calls = new ArrayList<>();
        for (Map<String, Object> event : tools) {
            if (ChatEventTypes.TOOL_CALL.equals(event.get("type")) && event.get("data") instanceof Map<?, ?> data) {
                Map<String, Object> function = new LinkedHashMap<>();
                function.put("name", String.valueOf(data.get("name")));
                function.put("arguments", data.get("arguments") == null ? "" : String.valueOf(data.get("arguments")));
                Map<String, Object> call = new LinkedHashMap<>();
                call.put("id", String.valueOf(data.get("id")));
                call.put("type", "function");
                call.put("function", function);
                calls.add(call);
            }
        }
        return calls;
    }

    /**
     * The messages this turn adds to a history: its input (or its user message) and the assistant's answer. A
     * Responses turn's answer carries its tool calls ({@code content} null when it had no text), which the next
     * response of the chain answers with function_call_output items; a native turn's answer is its text (the
     * native chat API has no way to send a tool's result back).
     */
    public List<Map<String, Object>> messages() {
        List<Map<String, Object>> messages = new ArrayList<>();
        Map<String, Object> answerMessage = new LinkedHashMap<>();
        answerMessage.put("role", "assistant");
        if (input == null) {
            messages.add(Map.of("role", "user", "content", userMessage));
            answerMessage.put("content", answer);
        } else {
            messages.addAll(input);
            List<Map<String, Object>> calls = toolCalls();
            answerMessage.put("content", answer.isEmpty() && !calls.isEmpty() ? null : answer);
            if (!calls.isEmpty()) {
                answerMessage.put("tool_calls", calls);
            }
        }
        messages.add(answerMessage);
        return messages;
    }
}

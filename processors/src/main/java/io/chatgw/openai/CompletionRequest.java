package io.chatgw.openai;

import io.chatgw.openai.OpenAiProperties.RuntimeEvents;
import java.util.List;
import java.util.Map;

/**
 * A validated {@code POST /v1/chat/completions} body, as far as the gateway uses it.
 *
 * @param model          the model the client named (null if none); validated, not used for routing (the router
 *                       decides; responses name the model the path reported)
 * @param stream         {@code stream: true}
 * @param includeUsage   {@code stream_options.include_usage: true} (a streamed answer ends with a usage chunk)
 * @param user           the {@code user} field (null if absent or blank)
 * @param message        text of the last message, which must be the user's
 * @param history        the messages before it, oldest first, as OpenAI chat message maps ({@code developer} becomes
 *                       {@code system}; tool calls and results keep {@code tool_calls} / {@code tool_call_id})
 * @param continuation   the messages after it: tool calls, their results, a last assistant message (prefill)
 * @param runtimeEvents  how plan/skill/MCP/status events appear in the answer
 * @param parameters     the validated OpenAI parameters every path passes to its LLM call (max_tokens, temperature,
 *                       top_p, seed, stop, penalties, response_format, logprobs, top_logprobs, tools, tool_choice,
 *                       parallel_tool_calls), as sent
 */
public record CompletionRequest(String model, boolean stream, boolean includeUsage, String user, String message,
                                List<Map<String, Object>> history, List<Map<String, Object>> continuation,
                                RuntimeEvents runtimeEvents,
                                Map<String, Object> parameters) {
}

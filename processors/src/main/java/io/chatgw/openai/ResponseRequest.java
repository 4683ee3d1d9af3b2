package io.chatgw.openai;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A validated {@code POST /v1/responses} body, as far as the Responses API's own fields go (what the turn needs is
 * in the {@link CompletionRequest} the parser makes of it).
 *
 * @param store            {@code store} (default true): the response is kept in the conversation store and can be
 *                         continued with {@code previous_response_id}
 * @param previous         the turn {@code previous_response_id} names (null if none)
 * @param previousId       {@code previous_response_id} as sent (echoed on the response)
 * @param instructions     {@code instructions}: a system message before everything else, not carried over to a
 *                         response that continues this one (as OpenAI does)
 * @param echoed           the request fields the response object repeats ({@code temperature}, {@code top_p},
 *                         {@code max_output_tokens}, {@code metadata}, {@code text}, {@code user}, ...), as sent
 * @param input            the checked {@code input} (null for a stored response read back): with {@code previous}
 *                         it is split only once the chain is known ({@link ResolveResponseSession})
 */
public record ResponseRequest(boolean store, UUID previous, String previousId, String instructions,
                              Map<String, Object> echoed, ResponseInput input) {

    private static final String INSTRUCTIONS = "instructions";

    /** A response object's request fields without the input (a test's, a stored one's). */
    public ResponseRequest(boolean store, UUID previous, String previousId, String instructions,
                           Map<String, Object> echoed) {
        this(store, previous, previousId, instructions, echoed, null);
    }

    /** What a stored response keeps of the request to show it again: the echoed fields and the instructions. */
    public Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>(echoed);
        if (instructions != null) {
            settings.put(INSTRUCTIONS, instructions);
        }
        return settings;
    }

    /** A stored response's request, from its {@link #settings()} (null: stored without them, the defaults show). */
    static ResponseRequest stored(UUID previous, Map<String, Object> settings) {
        String previousId = previous == null ? null
                : ParseResponseRequest.PREFIX + previous.toString().replace("-", "");
        if (settings == null) {
            return new ResponseRequest(true, previous, previousId, null, Map.of("metadata", Map.of()));
        }
        Map<String, Object> echoed = new LinkedHashMap<>(settings);
        Object instructions = echoed.remove(INSTRUCTIONS);
        return new ResponseRequest(true, previous, previousId, instructions instanceof String text ? text : null, echoed);
    }
}

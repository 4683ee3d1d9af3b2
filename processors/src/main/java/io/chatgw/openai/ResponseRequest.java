package io.chatgw.openai;

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
 */
public record ResponseRequest(boolean store, UUID previous, String previousId, String instructions,
                              Map<String, Object> echoed) {
}

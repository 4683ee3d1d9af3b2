package io.chatgw.openai;

import io.chatgw.relay.RelayEvent;
import java.util.Map;

/**
 * What the HTTP layer needs of a non-streamed OpenAI answer's collector (a chat completion's
 * {@link CompletionCollector}, a response's {@link ResponseCollector}): relay events in, one JSON object out.
 */
public interface AnswerCollector extends TurnAnswer {

    /** Takes one event; returns true once the answer is complete or failed. */
    boolean accept(RelayEvent event);

    /** The answer's object, or null unless the turn ended with done. */
    Map<String, Object> answer();

    default boolean finished() {
        return answer() != null || events().failure() != null;
    }
}

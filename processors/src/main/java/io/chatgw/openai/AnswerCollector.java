package io.chatgw.openai;

import io.chatgw.relay.RelayEvent;
import java.util.Map;

/**
 * What the HTTP layer needs of a non-streamed OpenAI answer's collector (a chat completion's
 * {@link CompletionCollector}, a response's {@link ResponseCollector}): relay events in, one JSON object out.
 */
public interface AnswerCollector {

    /** Takes one event; returns true once the answer is complete or failed. */
    boolean accept(RelayEvent event);

    /** The answer's object, or null unless the turn ended with done. */
    Map<String, Object> answer();

    /** What the turn's events said of the answer: its path, the failed one before it, its failure. */
    TurnEventReader events();

    /** Why the answer failed, or null. */
    default OpenAiError failure() {
        return events().failure();
    }

    /** The answering path: the route event's, or the fallback event's target; null if neither was seen. */
    default String path() {
        return events().path();
    }

    /** The path that failed before the answering one took over, or null. */
    default String fallbackFrom() {
        return events().fallbackFrom();
    }

    default boolean finished() {
        return answer() != null || events().failure() != null;
    }
}

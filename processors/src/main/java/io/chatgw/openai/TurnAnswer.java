package io.chatgw.openai;

/**
 * What the HTTP layer reads of any OpenAI answer made from a turn's events (a {@link StreamTranslator}, an
 * {@link AnswerCollector}): the answering path, the one that failed before it, and why the answer failed.
 */
public interface TurnAnswer {

    /** What the turn's events said of the answer. */
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
}

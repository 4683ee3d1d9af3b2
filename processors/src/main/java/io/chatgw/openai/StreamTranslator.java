package io.chatgw.openai;

import io.chatgw.relay.RelayEvent;
import java.util.List;

/**
 * What the HTTP layer needs of a streamed OpenAI answer's translator (a chat completion's {@link CompletionStream},
 * a response's {@link ResponseStream}): relay events in, the stream's pieces out, and where the answer stands.
 *
 * @param <F> one piece of the stream (a chunk's JSON, a typed event)
 */
public interface StreamTranslator<F> {

    /** The pieces this event adds to the stream, in order (often none). */
    List<F> accept(RelayEvent event);

    /** Starts the stream without waiting for the path's first output; nothing if it started already. */
    List<F> begin();

    /** Something was sent (the HTTP status is committed: 200). */
    boolean started();

    /** The turn ended (done, error) or the stream was interrupted. */
    boolean finished();

    /** Why the answer failed, or null. */
    OpenAiError failure();

    /** The answering path: the route event's, or the fallback event's target; null if neither was seen. */
    String path();

    /** The path that failed before the answering one took over, or null. */
    String fallbackFrom();
}

package io.chatgw.standin;

/**
 * A snapshot of what a {@link StandinLlmServer} has served since it started.
 *
 * @param chatRequests      every {@code POST /v1/chat/completions} received, including rejected ones
 * @param streamedResponses chat requests answered with a {@code text/event-stream}
 * @param injectedFailures  chat requests that failed on purpose because of a {@code fail} knob
 */
public record StandinLlmStats(long chatRequests, long streamedResponses, long injectedFailures) {
}

package io.chatgw.conversation;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Knobs of the sessions' stored conversations, bound from {@code gateway.conversations.*} in
 * config/application.yaml. Documented in docs/configuration.md and docs/chat-api.md.
 */
@ConfigurationProperties("gateway.conversations")
public record ConversationProperties(
        /** Most earlier turns (user message + answer) sent with a new message; older ones are dropped first. */
        @DefaultValue("20") int maxTurns,
        /** Most tokens of history sent with a new message (counted with {@link #encoding()}); oldest dropped first. */
        @DefaultValue("8000") int historyTokenBudget,
        /** jtokkit encoding the budget is counted in: cl100k_base, o200k_base, p50k_base, r50k_base, p50k_edit. */
        @DefaultValue("cl100k_base") String encoding,
        /** Page size of GET /api/v1/sessions and .../messages when the request names none. */
        @DefaultValue("50") int defaultPageSize,
        /** Largest page a request may ask for ({@code limit}); more is a 400. */
        @DefaultValue("200") int maxPageSize,
        /** Threads writing finished turns to PostgreSQL (never a turn's thread). */
        @DefaultValue("2") int writerThreads,
        /** Finished turns waiting for a writer; a turn that finds it full is logged and not stored. */
        @DefaultValue("10000") int writerQueue,
        /** Further attempts of a failed write. */
        @DefaultValue("2") int writeRetries,
        /** Wait before each further attempt. */
        @DefaultValue("1000") long writeRetryDelayMs,
        /**
         * Sessions whose last turns are kept in memory as PostgreSQL last gave them (plus the turns ended since), so
         * their next message can be answered with its history while PostgreSQL is unreachable; 0 = none.
         */
        @DefaultValue("2000") int lastKnownSessions,
        /**
         * How often turns whose write found PostgreSQL unreachable are tried again (they are held in memory, at most
         * {@link #writerQueue} of them, instead of given up).
         */
        @DefaultValue("5s") java.time.Duration heldRetryInterval) {
}

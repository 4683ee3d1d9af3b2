package io.chatgw.conversation;

import io.chatgw.core.ExchangeKeys;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A turn the writer could not store (retries spent, or its queue full). If PostgreSQL was unreachable it is held
 * ({@link Conversations#hold}: {@code gateway_conversation_turns_held}, written by routes/sessions.yaml's
 * write-held-conversation-turns once PostgreSQL answers); otherwise, or when too many are held already, it is logged
 * at ERROR with its ids, counted ({@code gateway_conversation_turns_failed_total}) and forgotten, so later messages go
 * without it.
 */
@Component("giveUpConversationTurn")
public class GiveUpConversationTurn implements Processor {

    private static final Logger log = LoggerFactory.getLogger(GiveUpConversationTurn.class);

    private final Conversations conversations;
    private final Counter failed;

    public GiveUpConversationTurn(Conversations conversations, MeterRegistry meters) {
        this.conversations = conversations;
        this.failed = Counter.builder("gateway.conversation.turns.failed")
                .description("ended turns the session's conversation could not store").register(meters);
        io.micrometer.core.instrument.Gauge.builder("gateway.conversation.turns.held", conversations, Conversations::heldTurns)
                .description("ended turns held in memory until PostgreSQL answers again").register(meters);
    }

    @Override
    public void process(Exchange exchange) {
        ConversationTurn turn = exchange.getProperty(ExchangeKeys.CONVERSATION_TURN, ConversationTurn.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (cause != null && io.chatgw.core.DatabaseUnavailable.isUnreachable(cause) && conversations.hold(turn)) {
            log.debug("conversation turn held until PostgreSQL answers: request_id={}", turn.requestId());
            return;
        }
        giveUp(turn, cause == null ? "writer queue full" : cause.toString());
    }

    /** Logged, counted and forgotten. */
    public void giveUp(ConversationTurn turn, String cause) {
        log.error("conversation turn not stored: request_id={} session={} status={} cause={}", turn.requestId(),
                turn.sessionId(), turn.status(), cause);
        failed.increment();
        conversations.forget(turn);
    }
}

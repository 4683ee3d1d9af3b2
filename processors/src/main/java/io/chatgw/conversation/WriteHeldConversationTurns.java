package io.chatgw.conversation;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Writes the turns held while PostgreSQL was unreachable, oldest first, on the timer's thread (routes/sessions.yaml);
 * while it is still unreachable they stay held for the next tick.
 */
@Component("writeHeldConversationTurns")
public class WriteHeldConversationTurns implements Processor {

    private static final Logger log = LoggerFactory.getLogger(WriteHeldConversationTurns.class);

    private final Conversations conversations;
    private final GiveUpConversationTurn giveUp;

    public WriteHeldConversationTurns(Conversations conversations, GiveUpConversationTurn giveUp) {
        this.conversations = conversations;
        this.giveUp = giveUp;
    }

    @Override
    public void process(Exchange exchange) {
        if (conversations.heldTurns() == 0) {
            return;
        }
        int written = conversations.writeHeld((turn, failure) -> giveUp.giveUp(turn, failure.toString()));
        if (written > 0) {
            log.info("wrote {} conversation turns held while PostgreSQL was unreachable ({} still held)", written,
                    conversations.heldTurns());
        }
    }
}

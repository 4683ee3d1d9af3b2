package io.chatgw.conversation;

import io.chatgw.core.ExchangeKeys;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** Writes the ended turn to conversation_turns (on a writer thread; the route retries a failure). */
@Component("storeConversationTurn")
public class StoreConversationTurn implements Processor {

    private final Conversations conversations;

    public StoreConversationTurn(Conversations conversations) {
        this.conversations = conversations;
    }

    @Override
    public void process(Exchange exchange) {
        conversations.write(exchange.getProperty(ExchangeKeys.CONVERSATION_TURN, ConversationTurn.class));
    }
}

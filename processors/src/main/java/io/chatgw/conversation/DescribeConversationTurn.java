package io.chatgw.conversation;

import io.chatgw.core.ExchangeKeys;
import io.chatgw.turn.Turn;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** The ended turn the session's conversation adds ({@code conversationTurn}; absent if it keeps none). */
@Component("describeConversationTurn")
public class DescribeConversationTurn implements Processor {

    private final Conversations conversations;

    public DescribeConversationTurn(Conversations conversations) {
        this.conversations = conversations;
    }

    @Override
    public void process(Exchange exchange) {
        Turn turn = exchange.getProperty(ExchangeKeys.TURN, Turn.class);
        ConversationTurn ended = conversations.remembered(turn.requestId(), turn.session().id());
        if (ended != null) {
            exchange.setProperty(ExchangeKeys.CONVERSATION_TURN, ended);
        }
    }
}

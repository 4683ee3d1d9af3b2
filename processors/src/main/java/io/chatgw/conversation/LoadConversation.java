package io.chatgw.conversation;

import io.chatgw.core.ExchangeKeys;
import io.chatgw.session.ChatSession;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The native chat API's history: the session's last turns within gateway.conversations' bounds (the
 * {@code chatHistory} every path sends before the message). What was cut is logged at debug and named in the
 * turn's log line.
 */
@Component("loadConversation")
public class LoadConversation implements Processor {

    private static final Logger log = LoggerFactory.getLogger(LoadConversation.class);

    private final Conversations conversations;

    public LoadConversation(Conversations conversations) {
        this.conversations = conversations;
    }

    @Override
    public void process(Exchange exchange) {
        ChatSession session = exchange.getProperty(ExchangeKeys.SESSION, ChatSession.class);
        long started = System.nanoTime();
        HistoryWindow.Bounded history = conversations.history(session.id());
        long micros = (System.nanoTime() - started) / 1_000;
        if (history.turnsDropped() > 0) {
            log.debug("session {}: history cut to {} turns ({} tokens), {} older turns dropped", session.id(),
                    history.turnsKept(), history.tokens(), history.turnsDropped());
        }
        exchange.setProperty(ExchangeKeys.HISTORY, history.messages());
        exchange.setProperty(ExchangeKeys.HISTORY_NOTE, history.describe() + " history_load_us=" + micros);
    }
}

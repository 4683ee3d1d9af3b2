package io.chatgw.session;

import io.chatgw.auth.Caller;
import io.chatgw.conversation.Conversations;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import io.chatgw.relay.SessionRelay;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import io.chatgw.events.Audit;
import io.chatgw.events.EventRecorder;

/**
 * {@code DELETE /api/v1/sessions/{id}} (after loadOwnedSession): the session, its conversation and snapshots
 * (ON DELETE CASCADE) and its replay buffer are gone; clients following its events see their stream end; its
 * usage records stay. A session with a turn running is a 409 {@code turn_in_progress} (nothing deleted):
 * delete it once the turn ended. Audited as {@code session.deleted}.
 */
@Component("deleteSession")
public class DeleteSession implements Processor {

    private final JdbcTemplate jdbc;
    private final SessionRelay relay;
    private final Conversations conversations;
    private final SessionStore sessions;
    private final EventRecorder events;

    public DeleteSession(JdbcTemplate jdbc, SessionRelay relay, Conversations conversations, SessionStore sessions,
                         EventRecorder events) {
        this.jdbc = jdbc;
        this.relay = relay;
        this.conversations = conversations;
        this.sessions = sessions;
        this.events = events;
    }

    @Override
    public void process(Exchange exchange) {
        Caller caller = exchange.getProperty(ExchangeKeys.CALLER, Caller.class);
        ChatSession session = exchange.getProperty(ExchangeKeys.SESSION, ChatSession.class);
        if (!relay.discard(session.id())) {
            throw new GatewayException(409, "turn_in_progress",
                    "a message is still being answered in this session; delete it once that turn ended");
        }
        conversations.forgetSession(session.id());
        sessions.forget(session);
        jdbc.update("DELETE FROM sessions WHERE id = ?", session.id());
        // through the one way out of events (the audit row and its outbox row: routes/events.yaml)
        events.record(Audit.of(caller.userId(), caller.orgId(), "session.deleted", session.id().toString(), null,
                session.id(), java.util.Map.of()));
        exchange.getMessage().setBody(null);
    }
}

package io.chatgw.session;

import io.chatgw.events.Audit;
import io.chatgw.events.EventRecorder;
import io.chatgw.auth.Caller;
import io.chatgw.core.DatabaseUnavailable;
import io.chatgw.core.GatewayException;
import io.chatgw.core.LastKnown;
import io.chatgw.core.LastKnownReads;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sessions in PostgreSQL. Another user's session is indistinguishable from a missing one (404). While PostgreSQL is
 * unreachable, a session it showed this instance is found from the last answer ({@link LastKnown}), and a per-request
 * (ephemeral) session is made without its row (nothing refers to it once its one request ended; its usage and audit
 * events wait in the spool); a lasting session cannot be created (503). docs/operations.md "PostgreSQL down".
 */
@Component
public class SessionStore {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    private final EventRecorder events;
    /** By "{@code <session id> <user id>}": the owner is part of the key, as of the query. */
    private final LastKnown<String, ChatSession> owned;

    public SessionStore(JdbcTemplate jdbc, TransactionTemplate tx, EventRecorder events, LastKnownReads lastKnown) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.events = events;
        this.owned = lastKnown.cache("session");
    }

    public ChatSession create(Caller caller, String agentId) {
        return create(caller, agentId, false);
    }

    /**
     * @param ephemeral made for one request (an OpenAI call without a session): deleted after
     *                  {@code gateway.openai.ephemeral-sessions.retention} without use
     */
    public ChatSession create(Caller caller, String agentId, boolean ephemeral) {
        // without an agent one statement (autocommit): the session as inserted; with one, the agent is checked first
        ChatSession session = agentId != null ? tx.execute(status -> insertForAgent(caller, agentId, ephemeral))
                : !ephemeral ? insert(caller, null, false)
                : DatabaseUnavailable.unlessUnreachable(() -> insert(caller, null, true), () -> null);
        boolean stored = session != null;
        if (!stored) { // a per-request session while PostgreSQL is unreachable: without its row
            session = new ChatSession(UUID.randomUUID(), caller.userId(), caller.orgId(), null);
        }
        if (!ephemeral) { // a per-request session is not looked up again: it would only push others out
            owned.put(key(session.id(), caller), session);
        }
        events.record(Audit.of(caller.userId(), caller.orgId(), "session.created", session.id().toString(), null,
                session.id(), Map.of("agent_id", String.valueOf(agentId), "ephemeral", ephemeral, "stored", stored)));
        return session;
    }

    /**
     * A new session's row is born at relay epoch {@link #FIRST_RELAY_EPOCH}, the epoch its first relay stream is
     * at when it is opened where it was created ({@code SessionRelay.streamOfNewSession}, no UPDATE); a stream
     * opened later, or on another instance, bumps it as usual.
     */
    public static final long FIRST_RELAY_EPOCH = 1;

    private ChatSession insertForAgent(Caller caller, String agentId, boolean ephemeral) {
        List<String> modes = jdbc.query("SELECT default_execution_mode FROM agents WHERE id = ?",
                (rs, i) -> String.valueOf(rs.getString(1)), agentId);
        if (modes.isEmpty()) {
            throw GatewayException.badRequest("unknown_agent", "agent '" + agentId + "' does not exist");
        }
        return insert(caller, agentId, ephemeral);
    }

    private ChatSession insert(Caller caller, String agentId, boolean ephemeral) {
        return jdbc.queryForObject("""
                INSERT INTO sessions (user_id, org_id, agent_id, ephemeral, relay_epoch) VALUES (?, ?, ?, ?, ?)
                RETURNING id, user_id, org_id, agent_id""",
                (rs, i) -> new ChatSession(rs.getObject("id", UUID.class), rs.getString("user_id"),
                        rs.getString("org_id"), rs.getString("agent_id")),
                caller.userId(), caller.orgId(), agentId, ephemeral, FIRST_RELAY_EPOCH);
    }

    public Optional<ChatSession> findOwned(String sessionId, Caller caller) {
        UUID id;
        try {
            id = UUID.fromString(sessionId);
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
        return owned.read(key(id, caller), () -> jdbc.query("""
                SELECT id, user_id, org_id, agent_id FROM sessions WHERE id = ? AND user_id = ?""",
                (rs, i) -> new ChatSession(rs.getObject("id", UUID.class), rs.getString("user_id"),
                        rs.getString("org_id"), rs.getString("agent_id")),
                id, caller.userId()).stream().findFirst());
    }

    /** The session is deleted: not served from memory any more. */
    public void forget(ChatSession session) {
        owned.forget(session.id() + " " + session.userId());
    }

    private static String key(UUID sessionId, Caller caller) {
        return sessionId + " " + caller.userId();
    }
}

package io.chatgw.session;

import io.chatgw.auth.Caller;
import io.chatgw.core.GatewayException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** Sessions in PostgreSQL. Another user's session is indistinguishable from a missing one (404). */
@Component
public class SessionStore {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    public SessionStore(JdbcTemplate jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    public ChatSession create(Caller caller, String agentId) {
        return create(caller, agentId, false);
    }

    /**
     * @param ephemeral made for one request (an OpenAI call without a session): deleted after
     *                  {@code gateway.openai.ephemeral-sessions.retention} without use
     */
    public ChatSession create(Caller caller, String agentId, boolean ephemeral) {
        return tx.execute(status -> {
            if (agentId != null) {
                List<String> modes = jdbc.query("SELECT default_execution_mode FROM agents WHERE id = ?",
                        (rs, i) -> String.valueOf(rs.getString(1)), agentId);
                if (modes.isEmpty()) {
                    throw GatewayException.badRequest("unknown_agent", "agent '" + agentId + "' does not exist");
                }
            }
            UUID id = jdbc.queryForObject(
                    "INSERT INTO sessions (user_id, org_id, agent_id, ephemeral) VALUES (?, ?, ?, ?) RETURNING id",
                    UUID.class, caller.userId(), caller.orgId(), agentId, ephemeral);
            jdbc.update("""
                    INSERT INTO audit_log (actor, org_id, action, target) VALUES (?, ?, 'session.created', ?)""",
                    caller.userId(), caller.orgId(), String.valueOf(id));
            return findOwned(String.valueOf(id), caller).orElseThrow();
        });
    }

    public Optional<ChatSession> findOwned(String sessionId, Caller caller) {
        UUID id;
        try {
            id = UUID.fromString(sessionId);
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
        return jdbc.query("""
                SELECT id, user_id, org_id, agent_id FROM sessions WHERE id = ? AND user_id = ?""",
                (rs, i) -> new ChatSession(rs.getObject("id", UUID.class), rs.getString("user_id"),
                        rs.getString("org_id"), rs.getString("agent_id")),
                id, caller.userId()).stream().findFirst();
    }
}

package io.chatgw.openai;

import io.chatgw.auth.Caller;
import io.chatgw.session.ChatSession;
import io.chatgw.session.SessionStore;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sessions named by a client-chosen string (the OpenAI request's {@code user} field): one gateway session per
 * (caller, alias), created on first use ({@code session_aliases}, sql/V2__api_keys.sql).
 */
@Component
public class SessionAliases {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final SessionStore sessions;

    public SessionAliases(JdbcTemplate jdbc, TransactionTemplate tx, SessionStore sessions) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.sessions = sessions;
    }

    public ChatSession findOrCreate(Caller caller, String alias) {
        return tx.execute(status -> {
            // serializes concurrent first uses of the same alias, so exactly one session is created for it
            jdbc.query("SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))", rs -> null, caller.userId(), alias);
            List<UUID> existing = jdbc.query("SELECT session_id FROM session_aliases WHERE user_id = ? AND alias = ?",
                    (rs, i) -> rs.getObject(1, UUID.class), caller.userId(), alias);
            if (!existing.isEmpty()) {
                return sessions.findOwned(existing.get(0).toString(), caller)
                        .orElseThrow(() -> new IllegalStateException("alias points at a session the caller does not own"));
            }
            ChatSession session = sessions.create(caller, null);
            jdbc.update("INSERT INTO session_aliases (user_id, alias, session_id) VALUES (?, ?, ?)",
                    caller.userId(), alias, session.id());
            return session;
        });
    }
}

package io.chatgw.openai;

import io.chatgw.events.Audit;
import io.chatgw.events.EventRecorder;
import io.chatgw.auth.CallerDirectory;
import io.chatgw.core.DatabaseUnavailable;
import io.chatgw.core.GatewayException;
import io.chatgw.core.LastKnown;
import io.chatgw.core.LastKnownReads;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * API keys in PostgreSQL ({@code api_keys}, sql/V2__api_keys.sql): issued by an admin for one user (and that
 * user's org), stored as a SHA-256, revocable. Every request looks its key up, so a revocation applies to
 * the next request. Creating and revoking write {@code audit_log} rows. While PostgreSQL is unreachable a key it
 * accepted is served from the last owner it gave ({@link LastKnown}; a key revoked on another instance just before
 * the outage is accepted until PostgreSQL answers again or the entry's age runs out: docs/operations.md).
 */
@Component
public class ApiKeyStore {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyStore.class);
    private static final String COLUMNS =
            "id, user_id, org_id, name, key_prefix, created_by, created_at, last_used_at, revoked_at, revoked_by";

    /**
     * The user a valid key stands for.
     *
     * @param orgId     the org the key was issued in
     * @param userOrgId the org the user is in now (read with the key, one statement)
     */
    public record KeyOwner(UUID keyId, String userId, String orgId, String userOrgId) {
    }

    /** A key as listed: everything but the secret. */
    public record ApiKey(UUID id, String userId, String orgId, String name, String prefix, String createdBy,
                         OffsetDateTime createdAt, OffsetDateTime lastUsedAt, OffsetDateTime revokedAt,
                         String revokedBy) {

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id.toString());
            m.put("user_id", userId);
            m.put("org_id", orgId);
            m.put("name", name);
            m.put("prefix", prefix);
            m.put("created_by", createdBy);
            m.put("created_at", createdAt == null ? null : createdAt.toString());
            m.put("last_used_at", lastUsedAt == null ? null : lastUsedAt.toString());
            m.put("revoked_at", revokedAt == null ? null : revokedAt.toString());
            m.put("revoked_by", revokedBy);
            m.put("active", revokedAt == null);
            return m;
        }
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final long lastUsedIntervalMillis;
    /** Key id -> System.nanoTime() when this instance last wrote its last_used_at: no statement until it is stale. */
    private final java.util.concurrent.ConcurrentHashMap<UUID, Long> lastUsedWritten = new java.util.concurrent.ConcurrentHashMap<>();

    private final EventRecorder events;

    private final LastKnown<String, KeyOwner> owners;

    public ApiKeyStore(JdbcTemplate jdbc, TransactionTemplate tx, OpenAiProperties config, EventRecorder events,
                       LastKnownReads lastKnown) {
        this.owners = lastKnown.cache("api_key");
        this.jdbc = jdbc;
        this.tx = tx;
        this.events = events;
        this.lastUsedIntervalMillis = config.apiKeys().lastUsedUpdateInterval().toMillis();
    }

    /** Issues a key for an existing user. @return the stored key and its secret (shown once) */
    public Map.Entry<ApiKey, String> create(String userId, String name, String actor, String actorOrg) {
        if (userId == null || !CallerDirectory.ID.matcher(userId).matches()) {
            throw GatewayException.badRequest("invalid_user_id", "user_id must be a user id");
        }
        if (name == null || name.isBlank() || name.length() > 200) {
            throw GatewayException.badRequest("invalid_name", "name must be a non-empty string of at most 200 characters");
        }
        String secret = ApiKeySecrets.generate();
        ApiKey key = tx.execute(status -> {
            List<String> orgs = jdbc.query("SELECT org_id FROM users WHERE id = ?", (rs, i) -> rs.getString(1), userId);
            if (orgs.isEmpty()) {
                throw GatewayException.badRequest("unknown_user", "user '" + userId + "' does not exist");
            }
            UUID id = jdbc.queryForObject("""
                    INSERT INTO api_keys (user_id, org_id, name, key_hash, key_prefix, created_by)
                    VALUES (?, ?, ?, ?, ?, ?) RETURNING id""", UUID.class,
                    userId, orgs.get(0), name.trim(), ApiKeySecrets.hash(secret), ApiKeySecrets.shownPrefix(secret), actor);
            return find(id).orElseThrow();
        });
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("user_id", userId);
        details.put("key_org_id", key.orgId());
        details.put("name", key.name());
        details.put("prefix", key.prefix());
        events.record(Audit.of(actor, actorOrg, "api_key.created", String.valueOf(key.id()), details));
        log.info("api key {} ({}) issued to user {} by {}", key.id(), key.prefix(), userId, actor);
        return Map.entry(key, secret);
    }

    /** Keys, newest first, optionally of one user; revoked keys included (with revoked_at). */
    public List<ApiKey> list(String userId) {
        if (userId == null) {
            return jdbc.query("SELECT " + COLUMNS + " FROM api_keys ORDER BY created_at DESC, id", ApiKeyStore::row);
        }
        return jdbc.query("SELECT " + COLUMNS + " FROM api_keys WHERE user_id = ? ORDER BY created_at DESC, id",
                ApiKeyStore::row, userId);
    }

    public Optional<ApiKey> find(UUID id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM api_keys WHERE id = ?", ApiKeyStore::row, id).stream().findFirst();
    }

    /** Revokes a key (idempotent: revoking a revoked key changes nothing). 404 if there is no such key. */
    public ApiKey revoke(String keyId, String actor, String actorOrg) {
        UUID id = parseId(keyId);
        boolean[] revoked = {false};
        ApiKey key = tx.execute(status -> {
            int changed = jdbc.update(
                    "UPDATE api_keys SET revoked_at = now(), revoked_by = ? WHERE id = ? AND revoked_at IS NULL", actor, id);
            ApiKey current = find(id).orElseThrow(() -> GatewayException.notFound("api_key_not_found", "no such API key: " + keyId));
            if (changed > 0) {
                log.info("api key {} ({}) of user {} revoked by {}", id, current.prefix(), current.userId(), actor);
                revoked[0] = true;
                owners.forgetIf(owner -> owner.keyId().equals(id));
            }
            return current;
        });
        if (revoked[0]) {
            events.record(Audit.of(actor, actorOrg, "api_key.revoked", String.valueOf(id),
                    Map.of("user_id", key.userId(), "prefix", key.prefix())));
        }
        return key;
    }

    /**
     * The owner of an active key, or empty for an unknown, malformed or revoked one: one statement (the key with its
     * user's org), read on every request so that a revocation applies to the next one. {@code last_used_at} is
     * written at most once per {@code last-used-update-interval} per key and instance (the UPDATE's own condition
     * keeps several instances to about that too): a request in between issues no statement for it.
     */
    public Optional<KeyOwner> authenticate(String secret) {
        if (!ApiKeySecrets.isWellFormed(secret)) {
            return Optional.empty();
        }
        String hash = ApiKeySecrets.hash(secret);
        Optional<KeyOwner> owner = owners.read(hash, () -> jdbc.query("""
                SELECT k.id, k.user_id, k.org_id, u.org_id AS user_org_id FROM api_keys k JOIN users u ON u.id = k.user_id
                WHERE k.key_hash = ? AND k.revoked_at IS NULL""",
                (rs, i) -> new KeyOwner(rs.getObject("id", UUID.class), rs.getString("user_id"), rs.getString("org_id"),
                        rs.getString("user_org_id")),
                hash).stream().findFirst());
        owner.ifPresent(this::noteUse);
        return owner;
    }

    private void noteUse(KeyOwner owner) {
        long now = System.nanoTime();
        Long written = lastUsedWritten.get(owner.keyId());
        if (written != null && now - written < lastUsedIntervalMillis * 1_000_000L) {
            return;
        }
        lastUsedWritten.put(owner.keyId(), now);
        DatabaseUnavailable.unlessUnreachable(() -> jdbc.update("""
                UPDATE api_keys SET last_used_at = now()
                WHERE id = ? AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => ?))""",
                owner.keyId(), lastUsedIntervalMillis / 1000.0),
                () -> lastUsedWritten.remove(owner.keyId())); // best effort: written on a use after PostgreSQL is back
    }

    private static UUID parseId(String keyId) {
        try {
            return UUID.fromString(keyId);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw GatewayException.notFound("api_key_not_found", "no such API key: " + keyId);
        }
    }

    private static ApiKey row(ResultSet rs, int i) throws SQLException {
        return new ApiKey(rs.getObject("id", UUID.class), rs.getString("user_id"), rs.getString("org_id"),
                rs.getString("name"), rs.getString("key_prefix"), rs.getString("created_by"),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("last_used_at", OffsetDateTime.class),
                rs.getObject("revoked_at", OffsetDateTime.class), rs.getString("revoked_by"));
    }
}

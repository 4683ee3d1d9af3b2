package io.chatgw.routing;

import java.nio.charset.StandardCharsets;
import org.apache.commons.codec.digest.MurmurHash3;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Sticky canary buckets: {@code murmur3_x86_32("<rollout key>:<user id>", seed 0)} as an unsigned number, mod 100
 * (Unleash's bucketing; a user is in at percentage p when bucket &lt; p, so raising p never moves anyone out).
 * The first bucket a user gets for a rollout is kept in {@code canary_assignments} and read from there after.
 */
@Component
public class CanaryBuckets {

    private final JdbcTemplate jdbc;

    public CanaryBuckets(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The bucket the hash gives (0-99), without looking at the ledger. */
    public static int hashBucket(String rolloutKey, String userId) {
        byte[] key = (rolloutKey + ":" + userId).getBytes(StandardCharsets.UTF_8);
        return Integer.remainderUnsigned(MurmurHash3.hash32x86(key), 100);
    }

    /** The user's bucket for the rollout: the ledger's, or the hash's, recorded now as the first assignment. */
    public int assign(String rolloutKey, String userId) {
        Integer bucket = jdbc.queryForObject("""
                WITH ins AS (INSERT INTO canary_assignments (rollout_key, user_id, bucket) VALUES (?, ?, ?)
                             ON CONFLICT (rollout_key, user_id) DO NOTHING RETURNING bucket)
                SELECT bucket FROM ins
                UNION ALL SELECT bucket FROM canary_assignments WHERE rollout_key = ? AND user_id = ?
                LIMIT 1""", Integer.class, rolloutKey, userId, hashBucket(rolloutKey, userId), rolloutKey, userId);
        return bucket;
    }

    /** The ledger's bucket if the user has one, else the hash's (nothing recorded: for explanations). */
    public int peek(String rolloutKey, String userId) {
        return jdbc.queryForList("SELECT bucket FROM canary_assignments WHERE rollout_key = ? AND user_id = ?",
                Integer.class, rolloutKey, userId).stream().findFirst().orElse(hashBucket(rolloutKey, userId));
    }

    /** Forgets every assignment of the rollout (the next request of each user is bucketed afresh). */
    public int clear(String rolloutKey) {
        return jdbc.update("DELETE FROM canary_assignments WHERE rollout_key = ?", rolloutKey);
    }
}

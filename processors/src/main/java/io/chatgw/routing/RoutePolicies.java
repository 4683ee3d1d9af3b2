package io.chatgw.routing;

import io.chatgw.config.GatewayProperties;
import io.chatgw.core.ExecutionMode;
import io.chatgw.core.LastKnown;
import io.chatgw.core.LastKnownReads;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The one place routing inputs come from. The shared ones (global policy, org overrides and allowlist, canary
 * percentages, agent defaults, rollbacks) are a {@link PolicySnapshot} in memory; a user's own mode and canary
 * bucket are read once per policy version and kept with that snapshot. A new version (NOTIFY from the database's
 * triggers, or the poll: {@link PolicyChangeListener}) swaps in a new snapshot with empty user caches, so every
 * change applies to the next request. A decision is made once per request and only read after: running turns
 * keep theirs. While PostgreSQL is unreachable a user's mode and bucket are the last ones read ({@link LastKnown}),
 * a bucket never read is the hash's (the ledger records it once PostgreSQL is back).
 */
@Component
public class RoutePolicies {

    private static final Logger log = LoggerFactory.getLogger(RoutePolicies.class);

    private final PolicySnapshotLoader loader;
    private final CanaryBuckets buckets;
    private final JdbcTemplate jdbc;
    private final ObjectProvider<AutoFallbackState> autoFallback;
    private final ExecutionMode configuredDefault;
    private final PolicyProperties properties;
    private volatile Current current;
    private volatile AutoFallbackState autoFallbackState;
    /** Across snapshots (each starts its own caches over): what a user's mode and bucket were, for an outage. */
    private final LastKnown<String, Optional<ExecutionMode>> lastModes;
    private final LastKnown<String, Integer> lastBuckets;

    public RoutePolicies(PolicySnapshotLoader loader, CanaryBuckets buckets, JdbcTemplate jdbc,
                         ObjectProvider<AutoFallbackState> autoFallback, GatewayProperties gateway,
                         PolicyProperties properties, LastKnownReads lastKnown) {
        this.lastModes = lastKnown.cache("user_mode");
        this.lastBuckets = lastKnown.cache("canary_bucket");
        this.loader = loader;
        this.buckets = buckets;
        this.jdbc = jdbc;
        this.autoFallback = autoFallback;
        this.properties = properties;
        this.configuredDefault = ExecutionMode.parse(gateway.routing().defaultMode())
                .orElseThrow(() -> new IllegalArgumentException("gateway.routing.default-mode must be set"));
        this.current = new Current(loader.load());
    }

    /** The decision for one request of {@code userId} (in {@code orgId}) in a session with {@code agentId} (or null). */
    public ModeDecision decide(String userId, String orgId, String agentId) {
        return decide(userId, orgId, agentId, null);
    }

    /** As above, for a request that asks for a path ({@code requested}, null if none: an OpenAI model alias's). */
    public ModeDecision decide(String userId, String orgId, String agentId, ExecutionMode requested) {
        return ModeResolution.resolve(inputs(userId, orgId, agentId, true), autoFallbackState(), requested);
    }

    /**
     * Every input for one request. {@code assign}: the canary bucket is the ledger's, recording a first assignment;
     * otherwise (explanations) it is only looked up.
     */
    public PolicyInputs inputs(String userId, String orgId, String agentId, boolean assign) {
        Current now = current;
        PolicySnapshot s = now.snapshot;
        PolicySnapshot.OrgPolicy org = s.org(orgId);
        return new PolicyInputs(userId, orgId, agentId, s.version(), s.rollbackFor(orgId), org.override(),
                now.userMode(userId), Optional.ofNullable(agentId == null ? null : s.agentDefaults().get(agentId)),
                org.newAllowed(), s.canaryPercentFor(orgId),
                assign ? () -> now.bucket(userId) : () -> buckets.peek(properties.rolloutKey(), userId),
                s.globalMode(), configuredDefault);
    }

    /**
     * The runtime monitor's state if the context has one (issue 8's {@code RuntimeMonitor}), else
     * {@link AutoFallbackState#NONE}; looked up once, on the first decision.
     */
    public AutoFallbackState autoFallbackState() {
        AutoFallbackState state = autoFallbackState;
        if (state == null) {
            state = autoFallback.getIfAvailable(() -> AutoFallbackState.NONE);
            autoFallbackState = state;
        }
        return state;
    }

    public PolicySnapshot snapshot() {
        return current.snapshot;
    }

    public ExecutionMode configuredDefault() {
        return configuredDefault;
    }

    public String rolloutKey() {
        return properties.rolloutKey();
    }

    /** Re-reads the shared inputs if the database's policy version is past ours. */
    public void refreshIfNewer(long version) {
        if (version > current.snapshot.version()) {
            refresh();
        }
    }

    /** Re-reads the shared inputs now and starts the user caches over. */
    public synchronized void refresh() {
        PolicySnapshot loaded = loader.load();
        if (loaded.version() >= current.snapshot.version()) {
            long before = current.snapshot.version();
            current = new Current(loaded);
            if (loaded.version() != before) {
                log.info("route policies now at version {} (was {})", loaded.version(), before);
            }
        }
    }

    /** A snapshot and the per-user inputs read under it (dropped with it). */
    private final class Current {
        final PolicySnapshot snapshot;
        final Map<String, Optional<ExecutionMode>> userModes = new ConcurrentHashMap<>();
        final Map<String, Integer> userBuckets = new ConcurrentHashMap<>();

        Current(PolicySnapshot snapshot) {
            this.snapshot = snapshot;
        }

        Optional<ExecutionMode> userMode(String userId) {
            Optional<ExecutionMode> mode = userModes.get(userId);
            if (mode == null) {
                mode = lastModes.read(userId, () -> Optional.of(jdbc.query("SELECT execution_mode FROM users WHERE id = ?",
                                (rs, i) -> ExecutionMode.parse(rs.getString(1)), userId)
                        .stream().findFirst().flatMap(m -> m))).orElseThrow();
                bounded(userModes).put(userId, mode);
            }
            return mode;
        }

        int bucket(String userId) {
            Integer bucket = userBuckets.get(userId);
            if (bucket == null) {
                Optional<Integer> known = io.chatgw.core.DatabaseUnavailable.unlessUnreachable(() ->
                        lastBuckets.read(userId, () -> Optional.of(buckets.assign(properties.rolloutKey(), userId))),
                        Optional::empty);
                if (known.isEmpty()) {
                    // never assigned here: the hash's bucket, which the ledger gets on the first read once it is back
                    return CanaryBuckets.hashBucket(properties.rolloutKey(), userId);
                }
                bucket = known.get();
                bounded(userBuckets).put(userId, bucket);
            }
            return bucket;
        }

        private <V> Map<String, V> bounded(Map<String, V> cache) {
            if (cache.size() >= properties.userCacheSize()) {
                cache.clear();
            }
            return cache;
        }
    }
}

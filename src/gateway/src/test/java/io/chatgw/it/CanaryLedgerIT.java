package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.routing.CanaryBuckets;
import io.chatgw.routing.ModeDecision;
import io.chatgw.routing.PolicySnapshotLoader;
import io.chatgw.routing.RoutePolicies;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient.Event;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The sticky canary end to end: allowlisted orgs only, the ledger remembers each user's first bucket (a restart
 * reads it back; ops can clear it), and the route event names the canary.
 */
class CanaryLedgerIT extends GatewayTestBase {

    private static final Logger LOG = LoggerFactory.getLogger(CanaryLedgerIT.class);

    @Autowired
    PolicySnapshotLoader loader;
    @Autowired
    CanaryBuckets buckets;
    @Autowired
    ObjectProvider<io.chatgw.routing.AutoFallbackState> autoFallback;
    @Autowired
    io.chatgw.config.GatewayProperties gateway;
    @Autowired
    io.chatgw.routing.PolicyProperties policyProperties;
    @Autowired
    io.chatgw.core.LastKnownReads lastKnown;

    private String org(String name, boolean allowlisted, int canaryPercent) {
        String org = name + "-" + System.nanoTime();
        jdbc.update("INSERT INTO organizations (id, new_allowed) VALUES (?, ?)", org, allowlisted);
        jdbc.update("INSERT INTO route_policies (scope, scope_id, canary_percent) VALUES ('org', ?, ?)", org, canaryPercent);
        return org;
    }

    private List<String> users(String org, int n) {
        List<String> ids = IntStream.range(0, n).mapToObj(i -> org + "-u" + i).toList();
        ids.forEach(id -> jdbc.update("INSERT INTO users (id, org_id) VALUES (?, ?)", id, org));
        return ids;
    }

    @Test
    void usersOfAnAllowlistedOrgBelowThePercentageGoNewAndTheirBucketIsRecordedOnce() {
        String org = org("org-canary", true, 30);
        List<String> users = users(org, 200);
        awaitPoliciesCurrent();

        for (String u : users) {
            ModeDecision d = policies.decide(u, org, null);
            boolean in = CanaryBuckets.hashBucket(policies.rolloutKey(), u) < 30;
            assertThat(d.reason()).as(u).isEqualTo(in ? "canary" : "global_default");
            assertThat(d.mode().wire()).isEqualTo(in ? "new" : "legacy");
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM canary_assignments WHERE user_id LIKE ?",
                Integer.class, org + "-%")).isEqualTo(200);

        // the per-request cost once a user's inputs are cached under the current policy version (reported, not asserted)
        long start = System.nanoTime();
        int canary = 0;
        for (int i = 0; i < 200_000; i++) {
            canary += policies.decide(users.get(i % users.size()), org, "agent-general").reason().equals("canary") ? 1 : 0;
        }
        double micros = (System.nanoTime() - start) / 1000.0 / 200_000;
        LOG
                .info("policy resolution cost: {} us per decision (cached, 200000 decisions)", String.format("%.3f", micros));
        policies.refresh(); // empty user caches, as after any policy change: each user's first decision reads the database
        long cold = System.nanoTime();
        users.forEach(u -> policies.decide(u, org, null));
        LOG.info("policy resolution cost: {} us per decision "
                + "(first after a policy change: user row + ledger read)", String.format("%.1f", (System.nanoTime() - cold) / 1000.0 / users.size()));
        assertThat(canary).isEqualTo(1000 * (int) users.stream()
                .filter(u -> CanaryBuckets.hashBucket(policies.rolloutKey(), u) < 30).count());
    }

    @Test
    void aNotAllowlistedOrgGetsNoCanaryAndNoAssignments() {
        String org = org("org-closed", false, 100);
        List<String> users = users(org, 20);
        awaitPoliciesCurrent();

        assertThat(users).allSatisfy(u -> assertThat(policies.decide(u, org, null).reason()).isEqualTo("global_default"));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM canary_assignments WHERE user_id LIKE ?",
                Integer.class, org + "-%")).isZero();
    }

    @Test
    void aRestartReadsTheLedgerAndClearingTheRolloutReDerivesBuckets() {
        String org = org("org-ledger", true, 50);
        String user = users(org, 1).get(0);
        awaitPoliciesCurrent();
        int hashed = CanaryBuckets.hashBucket(policies.rolloutKey(), user);
        policies.decide(user, org, null);
        // the ledger is what counts once written: pin this user on the other side of 50 (as an assignment made
        // under an earlier rollout configuration would be), then "restart" (a fresh policy cache, as at boot)
        int pinned = hashed < 50 ? 75 : 25;
        jdbc.update("UPDATE canary_assignments SET bucket = ? WHERE rollout_key = ? AND user_id = ?",
                pinned, policies.rolloutKey(), user);
        RoutePolicies restarted = new RoutePolicies(loader, buckets, jdbc, autoFallback, gateway, policyProperties, lastKnown);
        assertThat(restarted.decide(user, org, null).reason()).isEqualTo(pinned < 50 ? "canary" : "global_default");

        buckets.clear(policies.rolloutKey());
        RoutePolicies afterClear = new RoutePolicies(loader, buckets, jdbc, autoFallback, gateway, policyProperties, lastKnown);
        assertThat(afterClear.decide(user, org, null).reason()).isEqualTo(hashed < 50 ? "canary" : "global_default");
        assertThat(jdbc.queryForObject("SELECT bucket FROM canary_assignments WHERE rollout_key = ? AND user_id = ?",
                Integer.class, policies.rolloutKey(), user)).isEqualTo(hashed);
    }

    @Test
    void theRouteEventOfACanaryUserNamesTheCanary() throws Exception {
        String org = org("org-canary-chat", true, 100);
        String user = users(org, 1).get(0);
        jdbc.update("INSERT INTO route_policies (scope, execution_mode) VALUES ('global', 'direct_llm') "
                + "ON CONFLICT (scope, COALESCE(scope_id, '')) DO NOTHING");
        String other = users(org("org-plain", false, 0), 1).get(0);
        awaitPoliciesCurrent();
        try {
            String token = tokenFor(user, org);
            // the canary takes a user with no explicit mode to `new`; the agent default beats it
            assertThat(policies.decide(user, org, null).reason()).isEqualTo("canary");
            List<Event> events = chat(token, newSession(token, "agent-fast"), "hi");
            assertThat(events.get(0).json().get("reason").asText()).isEqualTo("agent_default");
            String otherToken = tokenFor(other, other.substring(0, other.lastIndexOf("-u")));
            List<Event> plain = chat(otherToken, newSession(otherToken), "hi");
            assertThat(plain.get(0).json().get("reason").asText()).isEqualTo("global_policy");
            assertThat(plain.get(0).json().get("path").asText()).isEqualTo("direct_llm");
        } finally {
            jdbc.update("DELETE FROM route_policies WHERE scope = 'global'");
        }
    }
}

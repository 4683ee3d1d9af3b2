package io.chatgw.monitor;

import static io.chatgw.monitor.MonitorTestSupport.properties;
import static io.chatgw.monitor.MonitorTestSupport.record;
import static io.chatgw.monitor.PathExecution.Result.ERROR;
import static io.chatgw.monitor.PathExecution.Result.SUCCESS;
import static io.chatgw.monitor.PathExecution.Result.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatgw.core.ExecutionMode;
import io.chatgw.routing.AutoFallbackState.AutoFallback;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The trip rules of the runtime monitor on a real PostgreSQL: each threshold trips just above its limit and not at
 * it, min-calls holds, orgs are apart, the window slides, and a trip ends by reset or through half-open probes.
 * (min-calls 10 per org here; the legacy path's first-event timeout is 1 s, so the latency limit is 800 ms.)
 */
class RuntimeMonitorTest {

    private static final ExecutionMode LEGACY = ExecutionMode.LEGACY;
    private static EmbeddedPostgres pg;
    private static JdbcTemplate jdbc;

    private final MonitorTestSupport.ManualClock clock = new MonitorTestSupport.ManualClock();
    private final List<RuntimeMonitor> started = new ArrayList<>();

    @BeforeAll
    static void database() throws Exception {
        pg = MonitorTestSupport.startDatabase();
        jdbc = new JdbcTemplate(pg.getPostgresDatabase());
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        pg.close();
    }

    @BeforeEach
    void noTrips() {
        jdbc.update("DELETE FROM runtime_fallbacks");
    }

    @AfterEach
    void stopMonitors() {
        started.forEach(RuntimeMonitor::stop);
    }

    private RuntimeMonitor monitor(int minCalls, int globalMinCalls) {
        return monitor(properties(minCalls, globalMinCalls, Duration.ZERO, 0.1, 3, Duration.ofSeconds(5)));
    }

    private RuntimeMonitor monitor(MonitorProperties config) {
        RuntimeMonitor m = MonitorTestSupport.monitor(pg.getPostgresDatabase(), config, clock, "test-" + started.size());
        started.add(m);
        return m;
    }

    private static void awaitStored(String org, ExecutionMode path) {
        await().atMost(Duration.ofSeconds(5)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM runtime_fallbacks WHERE org_id = ? AND path = ?", Integer.class, org, path.wire()) == 1);
    }

    private static void awaitLoaded(RuntimeMonitor m, String org, ExecutionMode path) {
        await().atMost(Duration.ofSeconds(5)).until(() -> m.trips().stream()
                .anyMatch(t -> t.getKey().orgId().equals(org) && t.getKey().path() == path && t.getKey().id() != 0));
    }

    @Test
    void anErrorRateAboveHalfTripsTheOrgAndExactlyHalfDoesNot() {
        RuntimeMonitor m = monitor(10, 1_000_000);
        record(m, "org-half", LEGACY, ERROR, -1, 5);
        record(m, "org-half", LEGACY, SUCCESS, 100, 5);
        record(m, "org-more", LEGACY, SUCCESS, 100, 4);
        record(m, "org-more", LEGACY, ERROR, -1, 6);

        assertThat(m.activeFor("org-half", LEGACY)).isEmpty();
        assertThat(m.activeFor("org-more", LEGACY)).contains(
                new AutoFallback(LEGACY, ExecutionMode.DIRECT_LLM, TripRules.ERROR_RATE, "org"));
        awaitStored("org-more", LEGACY);
        assertThat(jdbc.queryForObject("SELECT (figures->>'value')::float FROM runtime_fallbacks WHERE org_id = 'org-more'",
                Double.class)).isEqualTo(0.6);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE action = 'runtime_fallback.tripped'"
                + " AND org_id = 'org-more' AND target = 'org:org-more/legacy'", Integer.class)).isEqualTo(1);
    }

    @Test
    void aTimeoutRateAboveThirtyPercentTripsAndThirtyPercentDoesNot() {
        RuntimeMonitor m = monitor(10, 1_000_000);
        record(m, "org-t30", LEGACY, TIMEOUT, -1, 3);
        record(m, "org-t30", LEGACY, SUCCESS, 100, 7);
        record(m, "org-t40", LEGACY, TIMEOUT, -1, 4);
        record(m, "org-t40", LEGACY, SUCCESS, 100, 6);

        assertThat(m.activeFor("org-t30", LEGACY)).isEmpty();
        assertThat(m.activeFor("org-t40", LEGACY)).map(AutoFallback::threshold).contains(TripRules.TIMEOUT_RATE);
    }

    @Test
    void aMeanLatencyAboveEightyPercentOfTheFirstEventTimeoutTripsAndJustBelowDoesNot() {
        RuntimeMonitor m = monitor(10, 1_000_000);
        record(m, "org-790", LEGACY, SUCCESS, 790, 10);
        record(m, "org-810", LEGACY, SUCCESS, 810, 10);

        assertThat(m.activeFor("org-790", LEGACY)).isEmpty();
        assertThat(m.activeFor("org-810", LEGACY)).map(AutoFallback::threshold).contains(TripRules.LATENCY);
    }

    @Test
    void fewerExecutionsThanMinCallsNeverTripHoweverBadTheyAre() {
        RuntimeMonitor m = monitor(10, 1_000_000);
        record(m, "org-few", LEGACY, ERROR, -1, 9);
        assertThat(m.activeFor("org-few", LEGACY)).isEmpty();

        record(m, "org-few", LEGACY, ERROR, -1, 1);
        assertThat(m.activeFor("org-few", LEGACY)).isPresent();
    }

    @Test
    void oneOrgsTripMovesNeitherAnotherOrgNorAnotherPath() {
        RuntimeMonitor m = monitor(10, 1_000_000);
        record(m, "org-bad", LEGACY, ERROR, -1, 10);
        record(m, "org-good", LEGACY, SUCCESS, 100, 10);

        assertThat(m.activeFor("org-bad", LEGACY)).isPresent();
        assertThat(m.activeFor("org-bad", ExecutionMode.NEW)).isEmpty();
        assertThat(m.activeFor("org-good", LEGACY)).isEmpty();
        assertThat(m.activeFor("org-unseen", LEGACY)).isEmpty();
    }

    @Test
    void theGlobalWindowTripsForEveryOrgWhenNoSingleOrgReachesMinCalls() {
        RuntimeMonitor m = monitor(1_000_000, 10);
        for (int i = 0; i < 10; i++) {
            record(m, "org-g" + i, ExecutionMode.NEW, TIMEOUT, -1, 1);
        }

        assertThat(m.activeFor("org-g0", ExecutionMode.NEW)).contains(
                new AutoFallback(ExecutionMode.NEW, ExecutionMode.DIRECT_LLM, TripRules.TIMEOUT_RATE, "global"));
        assertThat(m.activeFor("org-never-seen", ExecutionMode.NEW)).map(AutoFallback::scope).contains("global");
        assertThat(m.activeFor("org-g0", LEGACY)).isEmpty();
        awaitStored("", ExecutionMode.NEW);
    }

    @Test
    void aDirectLlmTripIsReportedButMovesNothingSinceItHasNoFallback() {
        RuntimeMonitor m = monitor(10, 1_000_000);
        record(m, "org-llm", ExecutionMode.DIRECT_LLM, ERROR, -1, 10);

        assertThat(m.activeFor("org-llm", ExecutionMode.DIRECT_LLM)).isEmpty();
        awaitStored("org-llm", ExecutionMode.DIRECT_LLM);
        assertThat(m.trips()).extracting(t -> t.getKey().key().describe()).contains("org:org-llm/direct_llm");
    }

    @Test
    void executionsOlderThanTheWindowNoLongerCount() {
        RuntimeMonitor m = monitor(10, 1_000_000);
        record(m, "org-old", LEGACY, ERROR, -1, 9);
        clock.advance(Duration.ofMinutes(5).plusSeconds(2));
        record(m, "org-old", LEGACY, ERROR, -1, 1);

        assertThat(m.activeFor("org-old", LEGACY)).isEmpty();
        assertThat(m.figures("org-old", LEGACY)).map(WindowFigures::calls).contains(1);
    }

    @Test
    void aResetEndsTheTripAndTheFailuresThatCausedItDoNotTripItAgain() {
        RuntimeMonitor m = monitor(10, 1_000_000);
        record(m, "org-reset", LEGACY, ERROR, -1, 10);
        awaitLoaded(m, "org-reset", LEGACY);

        List<Trip> ended = m.reset("org-reset", Optional.empty(), "u-admin", "org-acme");

        assertThat(ended).extracting(Trip::threshold).containsExactly(TripRules.ERROR_RATE);
        assertThat(m.activeFor("org-reset", LEGACY)).isEmpty();
        record(m, "org-reset", LEGACY, ERROR, -1, 1);
        assertThat(m.activeFor("org-reset", LEGACY)).isEmpty();
        assertThat(jdbc.queryForList("SELECT actor FROM audit_log WHERE org_id = 'org-reset'"
                + " AND action = 'runtime_fallback.reset'", String.class)).containsExactly("u-admin");
        // a global reset leaves org trips alone
        record(m, "org-reset2", LEGACY, ERROR, -1, 10);
        awaitLoaded(m, "org-reset2", LEGACY);
        assertThat(m.reset(null, Optional.empty(), "u-admin", "org-acme")).isEmpty();
        assertThat(m.activeFor("org-reset2", LEGACY)).isPresent();
    }

    @Test
    void halfOpenProbesThatSucceedRestoreThePathAfterTheCoolDown() {
        RuntimeMonitor m = monitor(properties(10, 1_000_000, Duration.ofSeconds(30), 1.0, 3, Duration.ofSeconds(5)));
        record(m, "org-heal", LEGACY, ERROR, -1, 10);
        awaitLoaded(m, "org-heal", LEGACY);
        clock.advance(Duration.ofSeconds(29));
        assertThat(m.activeFor("org-heal", LEGACY)).isPresent();

        clock.advance(Duration.ofSeconds(2));
        assertThat(m.activeFor("org-heal", LEGACY)).isEmpty(); // probe share 1.0: every request probes
        assertThat(m.trips()).extracting(t -> t.getValue()).containsExactly(true);
        record(m, "org-heal", LEGACY, SUCCESS, 100, 3);

        await().atMost(Duration.ofSeconds(5)).until(() -> m.trips().isEmpty());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE org_id = 'org-heal'"
                + " AND action = 'runtime_fallback.restored'", Integer.class)).isEqualTo(1);
        record(m, "org-heal", LEGACY, ERROR, -1, 1); // a fresh window after the restore
        assertThat(m.activeFor("org-heal", LEGACY)).isEmpty();
    }

    @Test
    void probesAreJudgedByTheLowerRestoreLimitsAndFailedOnesStartANewCoolDown() {
        RuntimeMonitor m = monitor(properties(10, 1_000_000, Duration.ofSeconds(30), 1.0, 3, Duration.ofSeconds(5)));
        record(m, "org-flap", LEGACY, ERROR, -1, 10);
        awaitLoaded(m, "org-flap", LEGACY);
        clock.advance(Duration.ofSeconds(31));

        // one error in three: below the trip limit (50%), above the restore limit (20%)
        record(m, "org-flap", LEGACY, ERROR, -1, 1);
        record(m, "org-flap", LEGACY, SUCCESS, 100, 2);

        await().atMost(Duration.ofSeconds(5)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM audit_log WHERE org_id = 'org-flap' AND action = 'runtime_fallback.probe_failed'",
                Integer.class) == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> m.activeFor("org-flap", LEGACY).isPresent());
        assertThat(m.trips()).extracting(t -> t.getValue()).containsExactly(false);
    }

    @Test
    void turnsEndingForReasonsThatAreNotThePathsFaultAreNotCounted() {
        RuntimeMonitor m = monitor(10, 1_000_000);
        assertThat(m.classify(null)).contains(SUCCESS);
        assertThat(m.classify("upstream_timeout")).contains(TIMEOUT);
        assertThat(m.classify("upstream_error")).contains(ERROR);
        assertThat(m.classify("vm_unavailable")).contains(ERROR);
        assertThat(m.classify("shutting_down")).isEmpty();
        assertThat(m.classify("internal_error")).isEmpty();
    }
}

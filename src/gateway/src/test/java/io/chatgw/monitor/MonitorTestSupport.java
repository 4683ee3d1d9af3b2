package io.chatgw.monitor;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.core.ExecutionMode;
import io.chatgw.resilience.FallbackTargets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** A real PostgreSQL with the gateway's schema, and runtime monitors built on it with a clock the test moves. */
final class MonitorTestSupport {

    /** Legacy's first-event timeout in these tests: the latency limit is 0.8 x 1000 ms. */
    static final Duration LEGACY_TIMEOUT = Duration.ofMillis(1000);

    /** Wall and monotonic time, moved by the test. */
    static final class ManualClock implements MonitorClock {
        private final AtomicLong nanos = new AtomicLong(System.nanoTime());
        private final long wallOffsetMillis = System.currentTimeMillis() - nanos.get() / 1_000_000;

        @Override
        public long wallTime() {
            return nanos.get() / 1_000_000 + wallOffsetMillis;
        }

        @Override
        public long monotonicTime() {
            return nanos.get();
        }

        void advance(Duration d) {
            nanos.addAndGet(d.toNanos());
        }
    }

    private MonitorTestSupport() {
    }

    static EmbeddedPostgres startDatabase() throws IOException {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
        Flyway.configure().dataSource(pg.getPostgresDatabase()).locations("filesystem:sql").load().migrate();
        return pg;
    }

    static MonitorProperties properties(int minCalls, int globalMinCalls, Duration coolDown, double probeShare,
                                        int probeCalls, Duration pollInterval) {
        return new MonitorProperties(true, Duration.ofMinutes(5), minCalls, globalMinCalls,
                new MonitorProperties.Trip(0.5, 0.3, 0.8), new MonitorProperties.Restore(0.2, 0.1, 0.6),
                new MonitorProperties.HalfOpen(coolDown, probeShare, probeCalls),
                List.of("upstream_timeout"), List.of("shutting_down", "path_unavailable", "internal_error"),
                pollInterval, Duration.ofMillis(200));
    }

    static RuntimeMonitor monitor(DataSource db, MonitorProperties config, MonitorClock clock, String instance) {
        JdbcTemplate jdbc = new JdbcTemplate(db);
        FallbackStore store = new FallbackStore(jdbc, new TransactionTemplate(new DataSourceTransactionManager(db)),
                new ObjectMapper());
        RuntimeMonitor monitor = new RuntimeMonitor(config, Map.of(ExecutionMode.LEGACY, LEGACY_TIMEOUT,
                ExecutionMode.DIRECT_LLM, Duration.ofSeconds(2), ExecutionMode.NEW, Duration.ofSeconds(4)),
                new FallbackTargets(Map.of()), store, db::getConnection, new MonitorMeters(new SimpleMeterRegistry()),
                clock, instance);
        monitor.start();
        return monitor;
    }

    static void record(RuntimeMonitor monitor, String org, ExecutionMode path, PathExecution.Result result,
                       long firstEventMillis, int times) {
        for (int i = 0; i < times; i++) {
            monitor.record(new PathExecution(org, path, result,
                    firstEventMillis < 0 ? null : Duration.ofMillis(firstEventMillis),
                    Duration.ofMillis(Math.max(firstEventMillis, 0) + 50)));
        }
    }
}

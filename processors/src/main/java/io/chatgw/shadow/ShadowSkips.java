package io.chatgw.shadow;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Skipped samples counted in memory per minute, org, path pair and reason, and added to {@code shadow_skips} by the
 * flush timer (routes/shadow.yaml), so a skip never writes on a request's thread. Counts that could not be written
 * (PostgreSQL down) stay for the next flush; at most {@value #MAX_KEYS} keys are held, beyond which a skip is only in
 * the metric (logged once).
 */
@Component
public class ShadowSkips {

    private static final Logger log = LoggerFactory.getLogger(ShadowSkips.class);
    static final int MAX_KEYS = 10_000;

    record Key(Instant minute, String orgId, String primary, String target, String reason) {
    }

    private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();
    private final JdbcTemplate jdbc;
    private volatile boolean overflowLogged;

    public ShadowSkips(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void count(ShadowPlan plan, String orgId, String reason) {
        Key key = new Key(Instant.now().truncatedTo(ChronoUnit.MINUTES), orgId, plan.primary().wire(), plan.target().wire(), reason);
        LongAdder adder = counts.get(key);
        if (adder == null) {
            if (counts.size() >= MAX_KEYS) {
                if (!overflowLogged) {
                    overflowLogged = true;
                    log.warn("shadow_skips: {} unwritten counts held; further skips are only in gateway_shadow_skipped_total", MAX_KEYS);
                }
                return;
            }
            adder = counts.computeIfAbsent(key, k -> new LongAdder());
        }
        adder.increment();
    }

    /** Adds the counts held to shadow_skips; what could not be written is held again. */
    public void flush() {
        List<Object[]> rows = new ArrayList<>();
        List<Map.Entry<Key, Long>> taken = new ArrayList<>();
        for (Key key : List.copyOf(counts.keySet())) {
            LongAdder adder = counts.remove(key);
            long n = adder == null ? 0 : adder.sum();
            if (n > 0) {
                taken.add(Map.entry(key, n));
                rows.add(new Object[] {Timestamp.from(key.minute()), key.orgId(), key.primary(), key.target(), key.reason(), n});
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        try {
            jdbc.batchUpdate("""
                    INSERT INTO shadow_skips (minute, org_id, primary_path, shadow_path, reason, skipped)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (minute, org_id, primary_path, shadow_path, reason)
                    DO UPDATE SET skipped = shadow_skips.skipped + EXCLUDED.skipped""", rows);
            overflowLogged = false;
        } catch (RuntimeException e) {
            taken.forEach(t -> counts.computeIfAbsent(t.getKey(), k -> new LongAdder()).add(t.getValue()));
            log.warn("shadow_skips not written ({}), kept for the next flush", e.getMessage());
        }
    }
}

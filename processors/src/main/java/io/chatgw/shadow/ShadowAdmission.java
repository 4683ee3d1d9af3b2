package io.chatgw.shadow;

import java.util.concurrent.Semaphore;
import org.springframework.stereotype.Component;

/**
 * Whether a sampled request's shadow may run now: at most {@code gateway.shadow.max-concurrent} in flight, and the
 * per-minute cost cap ({@link ShadowBudget}). A sample that may not is skipped and counted (metric and
 * shadow_skips), never queued: the primary never waits for a shadow. The shadow pool's own bound (pool_full) is the
 * last check, in routes/shadow.yaml.
 */
@Component
public class ShadowAdmission {

    public static final String CONCURRENCY = "concurrency";
    public static final String COST_CAP = "cost_cap";
    public static final String POOL_FULL = "pool_full";

    private final Semaphore permits;
    private final int maxConcurrent;
    private final ShadowBudget budget;
    private final ShadowSkips skips;
    private final ShadowMeters meters;

    public ShadowAdmission(ShadowProperties config, ShadowSkips skips, ShadowMeters meters) {
        this.maxConcurrent = config.maxConcurrent();
        this.permits = new Semaphore(maxConcurrent);
        this.budget = new ShadowBudget(config.runsPerMinute(), config.tokensPerMinute(), System::nanoTime);
        this.skips = skips;
        this.meters = meters;
        meters.inFlight(this::inFlight);
    }

    /** Takes a place for the shadow; false (counted as skipped) if there is none. */
    boolean admit(ShadowPlan plan, String orgId) {
        if (!permits.tryAcquire()) {
            skip(plan, orgId, CONCURRENCY);
            return false;
        }
        if (!budget.tryStart()) {
            permits.release();
            skip(plan, orgId, COST_CAP);
            return false;
        }
        return true;
    }

    /** The pool refused an admitted shadow: its place is given back and it counts as skipped. */
    void refused(ShadowPlan plan, String orgId) {
        permits.release();
        skip(plan, orgId, POOL_FULL);
    }

    /** An admitted shadow is done (compared, or given up). */
    void release() {
        permits.release();
    }

    /** The tokens a shadow run reported count against the cost cap. */
    void spend(long tokens) {
        budget.spend(tokens);
    }

    int inFlight() {
        return maxConcurrent - permits.availablePermits();
    }

    private void skip(ShadowPlan plan, String orgId, String reason) {
        meters.skipped(reason);
        skips.count(plan, orgId, reason);
    }
}

package io.chatgw.shadow;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.DoubleSupplier;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Whether a sampled request's shadow may run now: the shadow-run route is running, the machine's CPU has room
 * ({@code gateway.shadow.max-cpu-load}, {@link MachineCpuLoad}), at most {@code gateway.shadow.max-concurrent} in
 * flight, and the per-minute cost cap ({@link ShadowBudget}). A sample that may not is skipped and counted (metric
 * and shadow_skips), never queued: the primary never waits for a shadow. The shadow pool's own bound (pool_full) is
 * the last check, in routes/shadow.yaml. Each admitted shadow holds a {@link ShadowSlot} until it is given back,
 * once; stopping or suspending the shadow-run route gives back every slot still held and cancels their runs
 * ({@link ShadowRunLifecycle}).
 */
@Component
public class ShadowAdmission {

    public static final String CONCURRENCY = "concurrency";
    public static final String CPU_BUSY = "cpu_busy";
    public static final String COST_CAP = "cost_cap";
    public static final String POOL_FULL = "pool_full";
    public static final String ROUTE_STOPPED = "route_stopped";
    static final List<String> SKIP_REASONS = List.of(COST_CAP, POOL_FULL, CONCURRENCY, ROUTE_STOPPED, CPU_BUSY);
    static final String STOPPED_CODE = "shadow_stopped";

    private final Semaphore permits;
    private final int maxConcurrent;
    private final ShadowBudget budget;
    private final double maxCpuLoad;
    private final DoubleSupplier cpuLoad;
    private final ShadowSkips skips;
    private final ShadowMeters meters;
    private final Set<ShadowSlot> held = ConcurrentHashMap.newKeySet();
    /** Guards {@link #running} against {@link #admit}: a slot is never taken after a stop gave back all of them. */
    private final Object lifecycle = new Object();
    private boolean running = true;

    public ShadowAdmission(ShadowProperties config, ShadowSkips skips, ShadowMeters meters,
            @Qualifier("machineCpuLoad") DoubleSupplier machineCpuLoad) {
        this.maxConcurrent = config.maxConcurrent();
        this.maxCpuLoad = config.maxCpuLoad();
        this.cpuLoad = machineCpuLoad;
        this.permits = new Semaphore(maxConcurrent);
        this.budget = new ShadowBudget(config.runsPerMinute(), config.tokensPerMinute(), System::nanoTime);
        this.skips = skips;
        this.meters = meters;
        meters.inFlight(this::inFlight);
    }

    /** Takes a place for the shadow; null (counted as skipped) if there is none. */
    ShadowSlot admit(ShadowPlan plan, String orgId) {
        String skipped;
        synchronized (lifecycle) {
            skipped = !running ? ROUTE_STOPPED : cpuBusy() ? CPU_BUSY : !permits.tryAcquire() ? CONCURRENCY : null;
            if (skipped == null && !budget.tryStart()) {
                permits.release();
                skipped = COST_CAP;
            }
            if (skipped == null) {
                ShadowSlot slot = new ShadowSlot();
                held.add(slot);
                return slot;
            }
        }
        skip(plan, orgId, skipped);
        return null;
    }

    /** The pool refused an admitted shadow: its place is given back and it counts as skipped. */
    void refused(ShadowSlot slot, ShadowPlan plan, String orgId) {
        release(slot);
        skip(plan, orgId, POOL_FULL);
    }

    /** An admitted shadow is done (compared, or given up): its place is free, once. */
    void release(ShadowSlot slot) {
        if (slot != null && slot.release()) {
            held.remove(slot);
            permits.release();
        }
    }

    /**
     * The shadow-run route stopped or was suspended: no shadow is admitted until it runs again, and every place still
     * held is given back, its shadow's run cancelled ({@value #STOPPED_CODE}). A shadow that still gets to its end
     * records its usage and comparison as usual; its place is not given back twice.
     */
    void routeStopped() {
        synchronized (lifecycle) {
            running = false;
        }
        for (ShadowSlot slot : List.copyOf(held)) {
            release(slot);
            slot.cancel(STOPPED_CODE, "the shadow-run route was stopped");
        }
    }

    /** The shadow-run route runs (again): shadows are admitted. */
    void routeStarted() {
        synchronized (lifecycle) {
            running = true;
        }
    }

    /** The tokens a shadow run reported count against the cost cap. */
    void spend(long tokens) {
        budget.spend(tokens);
    }

    /** Above max-cpu-load (1: never); an unknown load (negative: no sample yet) is not busy. */
    private boolean cpuBusy() {
        return maxCpuLoad < 1 && cpuLoad.getAsDouble() > maxCpuLoad;
    }

    int inFlight() {
        return maxConcurrent - permits.availablePermits();
    }

    private void skip(ShadowPlan plan, String orgId, String reason) {
        meters.skipped(reason);
        skips.count(plan, orgId, reason);
    }
}

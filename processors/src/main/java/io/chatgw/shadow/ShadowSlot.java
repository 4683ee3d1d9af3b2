package io.chatgw.shadow;

import io.chatgw.core.GatewayException;
import io.chatgw.turn.Turn;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An admitted shadow's place among {@code gateway.shadow.max-concurrent} ({@link ShadowAdmission}), given back exactly
 * once however the shadow ends: by releaseShadowRun when its route is done (completed, failed, timed out), by the
 * pool refusing it, or by {@link ShadowRunLifecycle} when ops stop or suspend the shadow-run route under it. It knows
 * its shadow turn once opened, and stops it ({@link Turn#stop}) at the shadow's own deadline ({@value #TIMEOUT},
 * {@code gateway.shadow.timeout} from its opening, first event or not) or when the route is stopped. A stop that came
 * before the turn was opened (the shadow still queued for the pool, or on its way) stops it as it opens: it never runs
 * on its path once its place was given up.
 */
final class ShadowSlot {

    static final String TIMEOUT = "shadow_timeout";

    private final AtomicBoolean released = new AtomicBoolean();
    /** Completed when the place is given back: ends the deadline's timer. */
    private final CompletableFuture<Void> over = new CompletableFuture<>();
    private Turn shadow;
    private GatewayException stoppedBy;

    /** The shadow turn this place is for (openShadowTurn): stopped at once if the place was given up, else its deadline runs. */
    void opened(Turn shadow, Duration timeout) {
        GatewayException why;
        synchronized (this) {
            this.shadow = shadow;
            why = stoppedBy;
        }
        if (why != null) {
            shadow.stop(why);
            return;
        }
        over.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((ok, failure) -> {
            if (failure instanceof TimeoutException) {
                stop(new GatewayException(504, TIMEOUT, "the shadow did not end within " + timeout.toSeconds() + " s"));
            }
        });
    }

    /** True the first time only: the place is free again. */
    boolean release() {
        if (released.compareAndSet(false, true)) {
            over.complete(null);
            return true;
        }
        return false;
    }

    boolean released() {
        return released.get();
    }

    /** Tells the shadow's path to stop (its run fails with {@code code}): now if it runs, as it starts otherwise. */
    void cancel(String code, String message) {
        stop(new GatewayException(503, code, message));
    }

    private void stop(GatewayException why) {
        Turn turn;
        synchronized (this) {
            if (stoppedBy == null) {
                stoppedBy = why;
            }
            turn = shadow;
        }
        if (turn != null) {
            turn.stop(why);
        }
    }
}

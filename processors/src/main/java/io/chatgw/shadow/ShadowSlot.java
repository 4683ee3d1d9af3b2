package io.chatgw.shadow;

import io.chatgw.core.GatewayException;
import io.chatgw.turn.PathRun;
import io.chatgw.turn.Turn;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An admitted shadow's place among {@code gateway.shadow.max-concurrent} ({@link ShadowAdmission}), given back exactly
 * once however the shadow ends: by releaseShadowRun when its route is done (completed, failed, timed out), by the
 * pool refusing it, or by {@link ShadowRunLifecycle} when ops stop or suspend the shadow-run route under it. It knows
 * its shadow turn once opened, so a stop can cancel the shadow's run on its path.
 */
final class ShadowSlot {

    private final AtomicBoolean released = new AtomicBoolean();
    private volatile Turn shadow;

    /** The shadow turn this place is for (openShadowTurn). */
    void opened(Turn shadow) {
        this.shadow = shadow;
    }

    /** True the first time only: the place is free again. */
    boolean release() {
        return released.compareAndSet(false, true);
    }

    boolean released() {
        return released.get();
    }

    /** Tells the shadow's path to stop (its run fails with {@code code}), if it is running. */
    void cancel(String code, String message) {
        Turn turn = shadow;
        PathRun run = turn == null ? null : turn.currentRun();
        if (run != null) {
            run.cancel(new GatewayException(503, code, message));
        }
    }
}

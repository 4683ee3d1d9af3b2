package io.chatgw.plane;

import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import io.chatgw.turn.Turn;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.springframework.stereotype.Component;

/**
 * The {@code new} path: the user's execution plane answers. Without a live plane the launcher is asked for
 * one and the turn waits (up to {@code gateway.plane.start-timeout}) for its hello, else {@code vm_unavailable}.
 * The plane's events reach the relay through {@link RelayPlaneEvent}; this completes when it says done/error.
 */
@Component("runOnPlane")
public class RunOnPlane extends AsyncProcessorSupport {

    private final Vertx vertx;
    private final PlaneRegistry registry;
    private final PlaneTurns turns;
    private final PlaneLauncher launcher;
    private final PlaneProperties config;

    public RunOnPlane(Vertx vertx, PlaneRegistry registry, PlaneTurns turns, PlaneLauncher launcher, PlaneProperties config) {
        this.vertx = vertx;
        this.registry = registry;
        this.turns = turns;
        this.launcher = launcher;
        this.config = config;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Turn turn = exchange.getProperty(ExchangeKeys.TURN, Turn.class);
        String userId = turn.caller().userId();
        // a plane that is away but within its reconnect grace is waited for, not replaced
        if (!registry.hasPlane(userId)) {
            try {
                launcher.ensureRunning(userId, turn.caller().orgId());
            } catch (RuntimeException e) {
                exchange.setException(GatewayException.upstream("vm_unavailable", "cannot start an execution plane: " + e.getMessage()));
                callback.done(true);
                return true;
            }
        }
        List<Map<String, String>> conversation = turn.history();
        registry.awaitPlane(userId, config.startTimeout()).onComplete(ar -> {
            if (ar.failed()) {
                finish(exchange, callback, ar.cause());
                return;
            }
            try {
                turns.startTurn(ar.result(), turn, conversation, failure -> finish(exchange, callback, failure));
            } catch (RuntimeException e) {
                finish(exchange, callback, e);
            }
        });
        return false;
    }

    private void finish(Exchange exchange, AsyncCallback callback, Throwable failure) {
        if (failure != null) {
            exchange.setException(failure);
        }
        // the rest of the route talks to the database: leave the caller's thread (event loop or frame sequence)
        vertx.executeBlocking(() -> {
            callback.done(false);
            return null;
        }, false);
    }
}

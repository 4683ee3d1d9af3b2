package io.chatgw.plane.turns;

import io.chatgw.plane.link.PlaneLink;
import io.chatgw.plane.PlaneProperties;
import io.chatgw.plane.link.PlaneSender;
import io.chatgw.core.GatewayException;
import io.chatgw.core.PathUnavailable;
import io.chatgw.turn.PathRun;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * The turns each plane runs: handing one to the plane ({@code user_message}), cancelling it, finishing it
 * when the plane says done/error, and expiring one whose plane stays silent.
 */
@Component
public class PlaneTurns {

    private final PlaneSender sender;
    private final PlaneProperties config;

    public PlaneTurns(PlaneSender sender, PlaneProperties config) {
        this.sender = sender;
        this.config = config;
    }

    /** Hands a turn to the plane: {@code user_message} is sent (and held until the turn ends). */
    public void startTurn(PlaneLink link, PathRun run, List<Map<String, Object>> history, Consumer<Throwable> onEnd) {
        PlaneTurn planeTurn = new PlaneTurn(run, onEnd);
        link.startTurn(planeTurn, seq -> {
            Map<String, Object> frame = new LinkedHashMap<>();
            frame.put("type", "user_message");
            frame.put("seq", seq);
            frame.put("session_id", planeTurn.sessionId());
            frame.put("request_id", planeTurn.requestId());
            frame.put("message", run.turn().message());
            frame.put("history", history);
            if (run.traceparent() != null) {
                frame.put("traceparent", run.traceparent()); // W3C trace context: the plane continues the turn's trace
            }
            if (run.turn().isShadow()) {
                frame.put("shadow", true); // docs/protocol.md: answer it, apply no side effects
            }
            if (!run.turn().continuation().isEmpty()) {
                frame.put("continuation", run.turn().continuation()); // after the message: tool calls and results, a prefill
            }
            if (!run.turn().llmParameters().isEmpty()) {
                frame.put("parameters", run.turn().llmParameters()); // OpenAI parameters for the plane's LLM call
            }
            return sender.write(frame);
        });
        sender.count("user_message", "out");
    }

    /** Ends a turn from the gateway's side (client gone, path timeout): the plane is told to cancel. */
    public void cancelTurn(PlaneLink link, String sessionId, String requestId) {
        boolean cancelled = link.cancelTurn(sessionId, requestId, seq -> {
            Map<String, Object> frame = new LinkedHashMap<>();
            frame.put("type", "cancel");
            frame.put("seq", seq);
            frame.put("session_id", sessionId);
            frame.put("request_id", requestId);
            return sender.write(frame);
        });
        if (cancelled) {
            sender.count("cancel", "out");
        }
    }

    PlaneTurn turnOf(PlaneLink link, String sessionId) {
        return link.turnOf(sessionId);
    }

    /** The plane ended the turn (done / error): forget it and its held user_message. */
    void finishTurn(PlaneLink link, PlaneTurn turn) {
        link.finishTurn(turn);
    }

    /** The gateway ended this request's turn: late events of it are dropped quietly. */
    boolean recentlyEnded(PlaneLink link, String requestId) {
        return link.recentlyEnded(requestId);
    }

    /** A turn whose plane sends nothing (first event / idle timeout) is cancelled on the plane and fails. */
    public void expireSilentTurns(Iterable<PlaneLink> links) {
        long now = System.nanoTime();
        for (PlaneLink link : links) {
            List<PlaneTurn> expired = link.turnsWhere(t -> t.hasEvents()
                    ? now - t.lastEventNanos() > config.idleTimeout().toNanos()
                    : now - t.startedNanos() > config.firstEventTimeout().toNanos());
            for (PlaneTurn t : expired) {
                cancelTurn(link, t.sessionId(), t.requestId());
                t.end(t.lastEventNanos() == 0
                        ? new PathUnavailable("upstream_timeout", PathUnavailable.FIRST_EVENT_TIMEOUT,
                                "the execution plane sent no first event within " + config.firstEventTimeout().toSeconds() + " s")
                        : GatewayException.upstream("upstream_timeout",
                                "the execution plane sent no event for " + config.idleTimeout().toSeconds() + " s"));
            }
        }
    }
}

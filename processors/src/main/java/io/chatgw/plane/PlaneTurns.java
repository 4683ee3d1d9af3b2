package io.chatgw.plane;

import io.chatgw.core.GatewayException;
import io.chatgw.core.PathUnavailable;
import io.chatgw.turn.PathRun;
import java.util.ArrayList;
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
        synchronized (link) {
            if (link.dead) {
                throw new PathUnavailable("vm_unavailable", PathUnavailable.PLANE_UNAVAILABLE, "the execution plane is gone");
            }
            if (link.turns.containsKey(planeTurn.sessionId)) {
                throw GatewayException.upstream("turn_in_progress", "the plane is still running a turn of this session");
            }
            link.turns.put(planeTurn.sessionId, planeTurn);
            Map<String, Object> frame = new LinkedHashMap<>();
            frame.put("type", "user_message");
            frame.put("seq", ++link.downlinkSeq);
            frame.put("session_id", planeTurn.sessionId);
            frame.put("request_id", planeTurn.requestId);
            frame.put("message", run.turn().message());
            frame.put("history", history);
            if (run.turn().isShadow()) {
                frame.put("shadow", true); // docs/protocol.md: answer it, apply no side effects
            }
            if (!run.turn().continuation().isEmpty()) {
                frame.put("continuation", run.turn().continuation()); // after the message: tool calls and results, a prefill
            }
            if (!run.turn().llmParameters().isEmpty()) {
                frame.put("parameters", run.turn().llmParameters()); // OpenAI parameters for the plane's LLM call
            }
            sender.sendDownlink(link, link.downlinkSeq, planeTurn.requestId, sender.write(frame));
        }
        sender.count("user_message", "out");
    }

    /** Ends a turn from the gateway's side (client gone, path timeout): the plane is told to cancel. */
    public void cancelTurn(PlaneLink link, String sessionId, String requestId) {
        synchronized (link) {
            PlaneTurn t = link.turns.get(sessionId);
            if (t == null || !t.requestId.equals(requestId)) {
                return;
            }
            link.turns.remove(sessionId);
            link.endedRequests.put(requestId, Boolean.TRUE);
            link.heldDownlink.removeIf(h -> requestId.equals(h.requestId()));
            Map<String, Object> frame = new LinkedHashMap<>();
            frame.put("type", "cancel");
            frame.put("seq", ++link.downlinkSeq);
            frame.put("session_id", sessionId);
            frame.put("request_id", requestId);
            sender.sendDownlink(link, link.downlinkSeq, requestId, sender.write(frame));
        }
        sender.count("cancel", "out");
    }

    PlaneTurn turnOf(PlaneLink link, String sessionId) {
        synchronized (link) {
            return link.turns.get(sessionId);
        }
    }

    /** The plane ended the turn (done / error): forget it and its held user_message. */
    void finishTurn(PlaneLink link, PlaneTurn turn) {
        synchronized (link) {
            link.turns.remove(turn.sessionId, turn);
            link.endedRequests.put(turn.requestId, Boolean.TRUE);
            link.heldDownlink.removeIf(h -> turn.requestId.equals(h.requestId()));
        }
    }

    /** The gateway ended this request's turn: late events of it are dropped quietly. */
    boolean recentlyEnded(PlaneLink link, String requestId) {
        synchronized (link) {
            return link.endedRequests.containsKey(requestId);
        }
    }

    /** A turn whose plane sends nothing (first event / idle timeout) is cancelled on the plane and fails. */
    void expireSilentTurns(Iterable<PlaneLink> links) {
        long now = System.nanoTime();
        for (PlaneLink link : links) {
            List<PlaneTurn> expired = new ArrayList<>();
            synchronized (link) {
                for (PlaneTurn t : link.turns.values()) {
                    boolean noFirst = t.lastEventNanos == 0 && now - t.startedNanos > config.firstEventTimeout().toNanos();
                    boolean idle = t.lastEventNanos != 0 && now - t.lastEventNanos > config.idleTimeout().toNanos();
                    if ((noFirst || idle) && !t.reconnecting) {
                        expired.add(t);
                    }
                }
            }
            for (PlaneTurn t : expired) {
                cancelTurn(link, t.sessionId, t.requestId);
                t.end(t.lastEventNanos == 0
                        ? new PathUnavailable("upstream_timeout", PathUnavailable.FIRST_EVENT_TIMEOUT,
                                "the execution plane sent no first event within " + config.firstEventTimeout().toSeconds() + " s")
                        : GatewayException.upstream("upstream_timeout",
                                "the execution plane sent no event for " + config.idleTimeout().toSeconds() + " s"));
            }
        }
    }
}

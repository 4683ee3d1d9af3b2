package io.chatgw.paths;

import io.chatgw.config.GatewayProperties;
import io.chatgw.core.GatewayException;
import io.chatgw.shadow.ShadowEventLoops;
import io.chatgw.shadow.ShadowProperties;
import io.chatgw.turn.PathRun;
import io.chatgw.upstream.SseEvent;
import io.chatgw.upstream.UpstreamSseCall;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Function;

/**
 * A path that streams an upstream's SSE answer into its run: each upstream event is mapped to
 * {@link PathOutcome}s and applied as it arrives, on the event loop of the call's client ({@link UpstreamClients}: a
 * shadow turn's on the shadows' own loops, never a primary's). The call's end ends the run; a cancelled run resets the
 * upstream request. Events already published stay published (and replayable).
 */
public abstract class StreamIntoRun extends StartPath {

    private final UpstreamClients clients;
    private final Counter ignored;

    /**
     * @param upstream the upstream's settings (connect timeout, connections)
     * @param path the path this streams for: its {@code gateway_upstream_events_ignored_total} is there at 0 from the start
     */
    protected StreamIntoRun(Vertx vertx, ShadowEventLoops shadowLoops, ShadowProperties shadow,
                            GatewayProperties.Upstream upstream, MeterRegistry meters, io.chatgw.core.ExecutionMode path) {
        this.clients = new UpstreamClients(vertx, shadowLoops, shadow.maxConcurrent(), upstream);
        this.ignored = Counter.builder("gateway.upstream.events.ignored")
                .description("upstream events with no chat event to map to")
                .tag("path", path.wire()).register(meters);
    }

    /** Starts the upstream call through {@code client}, feeding its events to {@code listener}. */
    protected abstract UpstreamSseCall call(PathRun run, UpstreamClients.Client client, UpstreamSseCall.Listener listener);

    /** The mapping of one run's upstream events (a new one per run: a mapping may keep state across events). */
    protected abstract Function<SseEvent, List<PathOutcome>> mapping();

    @Override
    protected final void start(PathRun run) {
        Function<SseEvent, List<PathOutcome>> mapping = mapping();
        UpstreamSseCall call = call(run, clients.of(run.turn()), event -> apply(run, mapping.apply(event)));
        run.onCancel(() -> call.cancel(GatewayException.upstream("cancelled", "the gateway ended this answer")));
        call.future().onComplete(ar -> {
            if (ar.failed()) {
                run.fail(ar.cause());
            } else {
                run.succeed();
            }
        });
    }

    private boolean apply(PathRun run, List<PathOutcome> outcomes) {
        boolean finished = false;
        for (PathOutcome outcome : outcomes) {
            if (outcome instanceof PathOutcome.Publish p) {
                run.publish(p.type(), p.data());
            } else if (outcome instanceof PathOutcome.Report r) {
                run.reportUsage(r.usage());
                run.reportInvalid(r.invalid());
                run.reportModel(r.model());
                run.reportFinishReason(r.finishReason());
            } else if (outcome instanceof PathOutcome.Finished) {
                finished = true;
            } else if (outcome instanceof PathOutcome.Failed f) {
                throw GatewayException.upstream(f.code(), io.chatgw.turn.ReportedValues.message(f.message()));
            } else if (outcome instanceof PathOutcome.Ignored) {
                ignored.increment();
            }
        }
        return finished;
    }
}

package io.chatgw.tracing;

import io.chatgw.core.ExecutionMode;
import io.chatgw.turn.PathRun;
import io.chatgw.turn.Turn;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.regex.Pattern;

/**
 * A turn's trace (docs/operations.md#traces): a {@code chat turn} span from the routing decision to done/error, a
 * child span per path run ({@code path legacy}, ...) whose W3C {@code traceparent} goes to the upstream (HTTP header
 * to the legacy runtime and the LLM, field of the plane's {@code user_message}), a {@code fallback} event, the usage
 * event's id on each run span, and the plane's own span context (sent back on its frames) on the new path's span.
 * Off ({@code gateway.tracing.enabled=false}, the default): every method returns at once, nothing is allocated.
 */
public final class TurnTraces {

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("gateway.request_id");
    static final AttributeKey<String> USAGE_EVENT = AttributeKey.stringKey("gateway.usage_event_id");
    static final AttributeKey<String> PLANE_TRACEPARENT = AttributeKey.stringKey("gateway.plane.traceparent");

    private final boolean enabled;
    private final Tracer tracer;

    public TurnTraces(OpenTelemetry otel, boolean enabled) {
        this.enabled = enabled;
        this.tracer = otel.getTracer("io.chatgw.gateway");
    }

    public boolean enabled() {
        return enabled;
    }

    /** The turn was opened: its span starts, continuing the caller's {@code traceparent} if it sent a valid one. */
    public void opened(Turn turn, String callerTraceparent) {
        if (!enabled) {
            return;
        }
        SpanContext parent = parse(callerTraceparent);
        Context context = parent == null ? Context.root() : Context.root().with(Span.wrap(parent));
        Span span = tracer.spanBuilder("chat turn").setParent(context).setSpanKind(SpanKind.SERVER)
                .setAttribute(REQUEST_ID, turn.requestId().toString())
                .setAttribute("gateway.session", turn.session().id().toString())
                .setAttribute("gateway.org", turn.caller().orgId())
                .setAttribute("gateway.user", turn.caller().userId())
                .setAttribute("gateway.path", turn.decision().mode().wire())
                .setAttribute("gateway.reason", turn.decision().reason()).startSpan();
        turn.span(span, this);
    }

    /** A path run starts: its span (a child of the turn's), whose traceparent the path sends upstream. */
    public void runStarted(PathRun run) {
        if (!enabled || !(run.turn().span() instanceof Span turnSpan)) {
            return;
        }
        Span span = tracer.spanBuilder("path " + run.path().wire()).setParent(Context.root().with(turnSpan))
                .setSpanKind(SpanKind.CLIENT).setAttribute(REQUEST_ID, run.turn().requestId().toString())
                .setAttribute("gateway.attempt", run.attempt()).startSpan();
        SpanContext c = span.getSpanContext();
        run.traceparent("00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex());
        run.end().whenComplete((ok, failure) -> {
            String plane = run.planeTraceparent();
            if (plane != null) {
                span.setAttribute(PLANE_TRACEPARENT, plane);
            }
            span.setAttribute(USAGE_EVENT, io.chatgw.events.DescribeUsageEvent.eventId(run.turn().requestId().toString(), run.attempt()).toString());
            if (failure != null) {
                span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
            }
            span.end();
        });
    }

    /** The turn fell back from one path to another before the first event. */
    public void fellBack(Turn turn, ExecutionMode from, ExecutionMode to, String reason) {
        if (enabled && turn.span() instanceof Span span) {
            span.addEvent("fallback", Attributes.of(AttributeKey.stringKey("from"), from.wire(),
                    AttributeKey.stringKey("to"), to.wire(), AttributeKey.stringKey("reason"), reason));
        }
    }

    /** The turn ended (done or error): its span ends with the answering path and the outcome. */
    public void ended(Turn turn) {
        if (!enabled || !(turn.span() instanceof Span span)) {
            return;
        }
        span.setAttribute("gateway.answering_path", turn.path());
        span.setAttribute("gateway.outcome", turn.outcome().status());
        if (turn.outcome().errorCode() != null) {
            span.setStatus(StatusCode.ERROR, turn.outcome().errorCode());
        }
        span.end();
    }

    /** The trace id of the turn's span, null when it has none (tracing off). */
    public static String traceIdOf(Turn turn) {
        return turn.span() instanceof Span span ? span.getSpanContext().getTraceId() : null;
    }

    /** A plane's traceparent as received on a frame: kept only if well-formed (W3C version 00). */
    public static String validTraceparent(String value) {
        return parse(value) == null ? null : value;
    }


    static SpanContext parse(String traceparent) {
        if (traceparent == null || traceparent.length() != 55) {
            return null;
        }
        var m = TRACEPARENT.matcher(traceparent);
        if (!m.matches()) {
            return null;
        }
        SpanContext c = SpanContext.createFromRemoteParent(m.group(1), m.group(2),
                TraceFlags.fromHex(m.group(3), 0), TraceState.getDefault());
        return c.isValid() ? c : null;
    }
}

package io.chatgw.paths;

import io.chatgw.turn.Usage;
import java.util.Map;

/** What one upstream event means for the turn, as decided by a path's event mapping. */
public sealed interface PathOutcome {

    /** A chat event for the client. */
    record Publish(String type, Map<String, Object> data) implements PathOutcome {
    }

    /**
     * The provider's usage, model and/or finish reason (each may be null), kept for the done event and the usage record;
     * {@code invalid}: what was wrong with the usage as reported (null: nothing).
     */
    record Report(Usage usage, String model, String finishReason, String invalid) implements PathOutcome {
        public Report(Usage usage, String model) {
            this(usage, model, null, null);
        }

        public Report(Usage usage, String model, String finishReason) {
            this(usage, model, finishReason, null);
        }

        /** A usage checked by {@link io.chatgw.turn.ReportedValues#usage} (its problem, if any, marks the run invalid). */
        public static Report of(io.chatgw.turn.ReportedValues.Checked<Usage> usage, String model, String finishReason) {
            return new Report(usage.value(), model, finishReason, usage.problem());
        }
    }

    /** The upstream finished the answer. */
    record Finished() implements PathOutcome {
    }

    /** The upstream reported a failure; the turn ends with an error event of this code. */
    record Failed(String code, String message) implements PathOutcome {
    }

    /** Nothing for the client (e.g. an event type this gateway does not relay); counted, not forwarded. */
    record Ignored(String eventType) implements PathOutcome {
    }
}

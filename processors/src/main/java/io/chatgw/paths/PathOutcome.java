package io.chatgw.paths;

import io.chatgw.turn.Usage;
import java.util.Map;

/** What one upstream event means for the turn, as decided by a path's event mapping. */
public sealed interface PathOutcome {

    /** A chat event for the client. */
    record Publish(String type, Map<String, Object> data) implements PathOutcome {
    }

    /** The provider's usage, model and/or finish reason (each may be null), kept for the done event and the usage record. */
    record Report(Usage usage, String model, String finishReason) implements PathOutcome {
        public Report(Usage usage, String model) {
            this(usage, model, null);
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

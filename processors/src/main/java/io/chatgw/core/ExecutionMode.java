package io.chatgw.core;

import java.util.Arrays;
import java.util.Optional;

/** The paths a chat message can take. The wire name is what the database, config and events use. */
public enum ExecutionMode {
    LEGACY("legacy"),
    NEW("new"),
    DIRECT_LLM("direct_llm");

    private final String wire;

    ExecutionMode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** Parses a wire name; null or blank is "not set" (empty), anything else unknown is an error. */
    public static Optional<ExecutionMode> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(Arrays.stream(values())
                .filter(m -> m.wire.equals(value.trim()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown execution mode '" + value + "'")));
    }

    @Override
    public String toString() {
        return wire;
    }
}

package io.chatgw.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** An event as JSON (one spool line, one outbox payload, one Kafka value): the envelope of docs/events.md. */
public final class EventJson {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    /**
     * A plain mapper of its own, not the application's: a module found on the classpath (e.g. Scala's, which Kafka
     * brings) must not change what a spool line reads back as. Dates are written as ISO-8601 text.
     */
    private final ObjectMapper json = new ObjectMapper(new com.fasterxml.jackson.core.JsonFactory()
                    .setCharacterEscapes(new NoNul()))
            .registerModule(new com.fasterxml.jackson.datatype.jdk8.Jdk8Module())
            .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /**
     * PostgreSQL's jsonb (and text) cannot hold U+0000: it is written as U+FFFD, so no value from outside can make an
     * event's row invalid (the event would be dead, not stored). Everything else is escaped as usual.
     */
    private static final class NoNul extends com.fasterxml.jackson.core.io.CharacterEscapes {
        private final int[] escapes = standardAsciiEscapesForJSON();

        NoNul() {
            escapes[0] = ESCAPE_CUSTOM;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return escapes;
        }

        @Override
        public com.fasterxml.jackson.core.SerializableString getEscapeSequence(int ch) {
            return ch == 0 ? new com.fasterxml.jackson.core.io.SerializedString("\\ufffd") : null;
        }
    }

    public String write(Event event) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("schemaVersion", Event.SCHEMA_VERSION);
        envelope.put("id", event.id().toString());
        envelope.put("type", event.type());
        envelope.put("occurredAt", event.occurredAt().toString());
        envelope.put("key", event.key());
        envelope.put("data", event.data());
        try {
            return json.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event not serializable: " + e.getOriginalMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    public Event read(String line) {
        Map<String, Object> envelope;
        try {
            envelope = json.readValue(line, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not an event: " + e.getOriginalMessage(), e);
        }
        Object data = envelope.get("data");
        return new Event(UUID.fromString(String.valueOf(envelope.get("id"))), String.valueOf(envelope.get("type")),
                (String) envelope.get("key"), Instant.parse(String.valueOf(envelope.get("occurredAt"))),
                data instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
    }

    /** A JSON value (audit details) as text for a jsonb column. */
    public String value(Object value) {
        try {
            return json.writeValueAsString(value == null ? Map.of() : value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}

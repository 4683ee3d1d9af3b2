package io.chatgw.bench;

/**
 * One dispatched server-sent event.
 *
 * @param id   the last event id at dispatch time ({@code ""} when the stream never set one)
 * @param type the event type ({@code "message"} when the event had no {@code event:} field)
 * @param data the data lines joined with {@code \n}
 */
public record SseEvent(String id, String type, String data) {
}

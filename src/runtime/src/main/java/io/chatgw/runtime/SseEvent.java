package io.chatgw.runtime;

/**
 * One dispatched server-sent event.
 *
 * @param id    the last event id seen on the stream (ids persist across events, as in the
 *              SSE specification), or {@code null} if none was sent
 * @param event the event name; {@code "message"} when the event had no {@code event:} field
 * @param data  the {@code data:} lines of the event joined with {@code \n}
 */
public record SseEvent(String id, String event, String data) {
}

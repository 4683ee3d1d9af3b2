package io.chatgw.upstream;

/** One server-sent event as read off an upstream (event defaults to "message", as in the SSE spec). */
public record SseEvent(String id, String event, String data) {
}

package io.chatgw.http;

import java.nio.charset.StandardCharsets;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.web.reactive.function.BodyInserter;
import reactor.core.publisher.Flux;

/**
 * An SSE response body: text frames written as they come, never held back. Unlike one flush per event
 * (Spring's SSE writer), the connection is flushed once per batch the event loop drains (reactor-netty's
 * send), so a lone event still goes out at once while a burst of events costs one write instead of one each.
 */
final class SseBody {

    private SseBody() {
    }

    static <M extends ReactiveHttpOutputMessage> BodyInserter<Flux<String>, M> of(Flux<String> frames) {
        return (response, context) -> response.writeWith(
                frames.map(frame -> response.bufferFactory().wrap(frame.getBytes(StandardCharsets.UTF_8))));
    }

    /** One event: {@code id:} (if {@code id} is not null), {@code event:}, its data line by line, a blank line. */
    static String event(String id, String type, String data) {
        StringBuilder frame = new StringBuilder(data.length() + 48);
        if (id != null) {
            frame.append("id:").append(id).append('\n');
        }
        frame.append("event:").append(type).append('\n');
        int start = 0;
        for (int i = 0; i <= data.length(); i++) {
            if (i == data.length() || data.charAt(i) == '\n') {
                int end = i > start && data.charAt(i - 1) == '\r' ? i - 1 : i;
                frame.append("data:").append(data, start, end).append('\n');
                start = i + 1;
            }
        }
        return frame.append('\n').toString();
    }

    /** A comment line (ignored by clients, keeps proxies and idle timers from closing the stream). */
    static String comment(String text) {
        return ":" + text + "\n\n";
    }
}

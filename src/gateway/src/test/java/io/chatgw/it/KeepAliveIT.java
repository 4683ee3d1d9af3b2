package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient.Event;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * An idle SSE stream is never silent for much longer than the keep-alive interval (1 s in the test profile),
 * also right after events, whatever their phase against the keep-alive clock.
 */
class KeepAliveIT extends GatewayTestBase {

    private record Line(long nanos, String text) {
    }

    @Test
    void anIdleStreamIsNeverSilentForMuchLongerThanTheInterval() throws Exception {
        String token = tokenFor("u-carol", "org-acme");
        String session = newSession(token);
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/sessions/" + session + "/events"))
                        .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        List<Line> lines = new ArrayList<>();
        Iterator<String> reader = response.body().iterator();
        CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
            while (reader.hasNext()) {
                String text = reader.next();
                synchronized (lines) {
                    lines.add(new Line(System.nanoTime(), text));
                }
            }
        });
        try {
            awaitLine(lines, ":keep-alive");
            // a turn's events shortly after a keep-alive: the silence after them must still end within ~1 interval
            for (int i = 0; i < 2; i++) {
                Thread.sleep(200 + 150 * i);
                List<Event> events = chat(token, session, "[[standin chunks=2 delay_ms=1]] hi");
                assertThat(events.get(events.size() - 1).type()).isEqualTo("done");
                Thread.sleep(2_500);
            }
        } finally {
            response.body().close();
            reading.cancel(true);
        }

        List<Long> writes = new ArrayList<>();
        synchronized (lines) {
            for (Line line : lines) {
                if (line.text().startsWith(":") || line.text().startsWith("id:")) { // a comment, or an event's first line
                    writes.add(line.nanos());
                }
            }
        }
        long longestGapMs = 0;
        for (int i = 1; i < writes.size(); i++) {
            longestGapMs = Math.max(longestGapMs, TimeUnit.NANOSECONDS.toMillis(writes.get(i) - writes.get(i - 1)));
        }
        assertThat(writes.size()).isGreaterThan(8);
        assertThat(longestGapMs).as("longest silence on the stream").isLessThanOrEqualTo(1_300);
    }

    private static void awaitLine(List<Line> lines, String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (lines) {
                if (lines.stream().anyMatch(l -> l.text().startsWith(prefix))) {
                    return;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no line starting with " + prefix);
    }
}

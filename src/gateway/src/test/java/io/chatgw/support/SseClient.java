package io.chatgw.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A plain SSE client for tests (JDK HttpClient): reads events off a live response as a browser would. */
public final class SseClient {

    public record Event(Long id, String type, String data) {
        public JsonNode json() {
            try {
                return new ObjectMapper().readTree(data);
            } catch (IOException e) {
                throw new IllegalStateException("event data is not JSON: " + data, e);
            }
        }
    }

    /** A streaming response whose events are read on demand. */
    public static final class Stream implements AutoCloseable {
        private final HttpResponse<InputStream> response;
        private final BufferedReader reader;
        public final List<String> comments = new ArrayList<>();

        Stream(HttpResponse<InputStream> response) {
            this.response = response;
            this.reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        }

        public int status() {
            return response.statusCode();
        }

        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        /** The next event, or null at end of stream. */
        public Event next() throws IOException {
            Long id = null;
            String type = "message";
            StringBuilder data = null;
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        return new Event(id, type, data.toString());
                    }
                    continue;
                }
                if (line.startsWith(":")) {
                    comments.add(line);
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                switch (field) {
                    case "id" -> id = Long.parseLong(value);
                    case "event" -> type = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> { }
                }
            }
            return null;
        }

        /** Reads events until one matches (inclusive) or the stream ends. */
        public List<Event> until(Predicate<Event> last) throws IOException {
            List<Event> events = new ArrayList<>();
            Event e;
            while ((e = next()) != null) {
                events.add(e);
                if (last.test(e)) {
                    break;
                }
            }
            return events;
        }

        /** Everything until the server ends the stream. */
        public List<Event> all() throws IOException {
            return until(e -> false);
        }

        @Override
        public void close() throws IOException {
            response.body().close();
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public SseClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public Stream post(String path, String token, String json) throws IOException, InterruptedException {
        return post(path, token, json, java.util.Map.of());
    }

    /** As above, with extra request headers (e.g. {@code traceparent}). */
    public Stream post(String path, String token, String json, java.util.Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(b::header);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return new Stream(http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream()));
    }

    public Stream get(String path, String token, String lastEventId) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .header("Accept", "text/event-stream")
                .GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        return new Stream(http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream()));
    }

    /** A plain request with a string answer (errors, session creation). */
    public HttpResponse<String> send(String method, String path, String token, String contentType, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", token.contains(" ") ? token : "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}

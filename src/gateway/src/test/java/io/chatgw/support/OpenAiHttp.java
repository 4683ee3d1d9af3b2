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
import java.util.Map;

/** Raw HTTP calls to the OpenAI-compatible endpoint (JDK HttpClient), reading streams as `data:` payloads. */
public final class OpenAiHttp {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A whole streamed answer: status, headers and the `data:` payloads in order (JSON text, or [DONE]). */
    public record Streamed(int status, HttpResponse<?> response, List<String> data, String errorBody) {

        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        public List<JsonNode> chunks() {
            return data.stream().filter(d -> !"[DONE]".equals(d)).map(OpenAiHttp::json).toList();
        }

        public String content() {
            StringBuilder text = new StringBuilder();
            for (JsonNode chunk : chunks()) {
                JsonNode content = chunk.at("/choices/0/delta/content");
                if (content.isTextual()) {
                    text.append(content.asText());
                }
            }
            return text.toString();
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public OpenAiHttp(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + text, e);
        }
    }

    public static String body(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest.Builder request(String path, String token, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        headers.forEach(b::header);
        return b;
    }

    /** POST /v1/chat/completions; the answer as a string (non-streamed answers and errors). */
    public HttpResponse<String> complete(String token, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        return http.send(request("/v1/chat/completions", token, headers)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> complete(String token, Object body) throws IOException, InterruptedException {
        return complete(token, body(body), Map.of());
    }

    /** POST /v1/chat/completions and read the whole stream (or the error body when it is not a stream). */
    public Streamed stream(String token, Object body, Map<String, String> headers) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(request("/v1/chat/completions", token, headers)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(body))).build(), HttpResponse.BodyHandlers.ofInputStream());
        List<String> data = new ArrayList<>();
        String errorBody = null;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            if (!response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
                StringBuilder all = new StringBuilder();
                String line;
                while ((line = reader.readLine()) != null) {
                    all.append(line);
                }
                errorBody = all.toString();
            } else {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.startsWith("data: ")) {
                        data.add(line.substring(6));
                    } else if (!line.isEmpty() && !line.startsWith(":")) {
                        throw new IllegalStateException("unexpected SSE line: " + line);
                    }
                }
            }
        }
        return new Streamed(response.statusCode(), response, data, errorBody);
    }

    /** POST /v1/chat/completions with stream: true, reads {@code lines} data lines, then closes the connection. */
    public Streamed streamThenClose(String token, Object body, int lines) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(request("/v1/chat/completions", token, Map.of())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(body))).build(), HttpResponse.BodyHandlers.ofInputStream());
        List<String> data = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        String line;
        while (data.size() < lines && (line = reader.readLine()) != null) {
            if (line.startsWith("data: ")) {
                data.add(line.substring(6));
            }
        }
        response.body().close(); // the client goes away mid-stream
        return new Streamed(response.statusCode(), response, data, null);
    }

    public HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        return http.send(request(path, token, Map.of()).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> send(String method, String path, String token, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path, token, Map.of());
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

package io.chatgw.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An execution plane written from docs/protocol.md alone, with the JDK's plain WebSocket client: no code
 * shared with the reference plane or the gateway. Tests drive it frame by frame.
 */
public final class TestPlane implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LinkedBlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    private final CompletableFuture<int[]> closed = new CompletableFuture<>();
    private volatile String closeReason;
    private volatile boolean answerPings = true;
    private WebSocket socket;

    private TestPlane() {
    }

    /** Connects with the token in the Authorization header (or in ?token= when {@code inQuery}). */
    public static TestPlane connect(String url, String token, boolean inQuery) throws Exception {
        TestPlane plane = new TestPlane();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        String target = url;
        if (token != null && inQuery) {
            target = url + "?token=" + token;
        } else if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        plane.socket = builder.buildAsync(URI.create(target), plane.new Listener()).get(10, TimeUnit.SECONDS);
        return plane;
    }

    public void send(Object frame) throws Exception {
        sendText(frame instanceof String s ? s : JSON.writeValueAsString(frame));
    }

    public synchronized void sendText(String text) throws Exception {
        socket.sendText(text, true).get(10, TimeUnit.SECONDS);
    }

    /** One text message in WebSocket fragments (continuation frames) of at most {@code fragmentChars} each. */
    public synchronized void sendFragmented(String text, int fragmentChars) throws Exception {
        for (int at = 0; at < text.length(); at += fragmentChars) {
            int end = Math.min(text.length(), at + fragmentChars);
            socket.sendText(text.substring(at, end), end == text.length()).get(30, TimeUnit.SECONDS);
        }
    }

    /** A binary message. */
    public synchronized void sendBinary(byte[] data) throws Exception {
        socket.sendBinary(java.nio.ByteBuffer.wrap(data), true).get(10, TimeUnit.SECONDS);
    }

    /** hello with a resume state; returns the welcome. */
    public JsonNode hello(String vmId, long lastDownlinkSeq, Map<String, Long> ackedSeqs) throws Exception {
        send(Map.of("type", "hello", "vm_id", vmId, "version", "1",
                "capabilities", java.util.List.of("get_skill_files", "memory_search", "mcp_call"),
                "resume", Map.of("last_downlink_seq", lastDownlinkSeq, "sessions", ackedSeqs)));
        return next(f -> f.path("type").asText().equals("welcome"), 10);
    }

    public void event(String sessionId, String requestId, long seq, String event, Map<String, ?> data) throws Exception {
        send(Map.of("type", "sse_event", "session_id", sessionId, "request_id", requestId, "seq", seq, "event", event, "data", data));
    }

    /** The next frame matching {@code which} within the time limit (pings are answered, not returned). */
    public JsonNode next(Predicate<JsonNode> which, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            JsonNode frame = inbox.poll(50, TimeUnit.MILLISECONDS);
            if (frame != null && which.test(frame)) {
                return frame;
            }
        }
        throw new AssertionError("no matching frame within " + seconds + " s");
    }

    /** The frames received and not taken yet, without waiting (pings are answered, not returned). */
    public java.util.List<JsonNode> drain() {
        java.util.List<JsonNode> frames = new java.util.ArrayList<>();
        inbox.drainTo(frames);
        return frames;
    }

    public JsonNode next(String type, int seconds) throws Exception {
        return next(f -> f.path("type").asText().equals(type), seconds);
    }

    public void stopAnsweringPings() {
        answerPings = false;
    }

    /** The close code the gateway sent, waiting up to {@code seconds}. */
    public int awaitClose(int seconds) throws Exception {
        return closed.get(seconds, TimeUnit.SECONDS)[0];
    }

    public String closeReason() {
        return closeReason;
    }

    public boolean isOpen() {
        return !closed.isDone() && !socket.isOutputClosed();
    }

    /** Drops the connection without a close handshake (a network failure). */
    public void drop() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(1000, "bye");
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode frame = JSON.readTree(partial.toString());
                    if (frame.path("type").asText().equals("ping")) {
                        if (answerPings) {
                            String pong = "{\"type\":\"pong\",\"ts\":" + frame.path("ts").asLong() + "}";
                            CompletableFuture.runAsync(() -> {
                                try {
                                    sendText(pong);
                                } catch (Exception ignored) {
                                    // closing
                                }
                            });
                        }
                    } else {
                        inbox.add(frame);
                    }
                } catch (Exception e) {
                    inbox.add(JSON.createObjectNode().put("type", "unparseable").put("text", partial.toString()));
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeReason = reason;
            closed.complete(new int[] {statusCode});
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(new int[] {-1});
        }
    }
}

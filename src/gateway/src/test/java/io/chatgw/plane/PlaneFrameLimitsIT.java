package io.chatgw.plane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.TestPlane;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One frame-size limit end to end (gateway.plane.max-frame-bytes, 1 MiB): every protocol frame over it gets an
 * {@code error} frame {@code frame_too_large} and counts as a bad frame, whatever its size and however it is
 * fragmented; only a single WebSocket fragment over the socket layer's max-socket-frame-bytes (16 MiB) closes the
 * socket. And the error code of every other malformed frame an outside plane can send. Over a real WebSocket,
 * with a plane written from docs/protocol.md alone ({@link TestPlane}).
 */
class PlaneFrameLimitsIT extends PlaneProtocolSupport {

    /** A pong (no answer, not rate-limited) padded to exactly {@code bytes} bytes of UTF-8. */
    private static String paddedPong(int bytes) {
        String head = "{\"type\":\"pong\",\"ts\":1,\"pad\":\"";
        String tail = "\"}";
        String frame = head + "x".repeat(bytes - head.length() - tail.length()) + tail;
        assertThat(frame.getBytes(StandardCharsets.UTF_8)).hasSize(bytes);
        return frame;
    }

    /**
     * Sends {@code text} as ONE WebSocket frame (the JDK client fragments large messages) on a fresh, greeted
     * connection of {@code u} (answering pings), waits for the gateway's answer (a frame, or the close) and returns
     * the close code (-2: still open) and the frames it sent after the welcome.
     */
    private record RawResult(int closeCode, java.util.List<String> frames) {
    }

    private RawResult sendAsOneFrame(NewUser u, String text) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            URI url = URI.create(planeConfig.publicUrlOrDefault());
            CompletableFuture<Integer> closed = new CompletableFuture<>();
            java.util.List<String> frames = new java.util.concurrent.CopyOnWriteArrayList<>();
            CompletableFuture<Void> welcomed = new CompletableFuture<>();
            WebSocket ws = vertx.createWebSocketClient().connect(new WebSocketConnectOptions().setHost(url.getHost())
                            .setPort(url.getPort()).setURI(url.getPath()).addHeader("Authorization", "Bearer " + u.vmToken()))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            CompletableFuture<Void> answered = new CompletableFuture<>();
            ws.textMessageHandler(m -> {
                if (m.contains("\"welcome\"")) {
                    welcomed.complete(null);
                } else if (m.contains("\"ping\"")) {
                    ws.writeTextMessage(m.replace("\"ping\"", "\"pong\""));
                } else {
                    frames.add(m);
                    answered.complete(null);
                }
            });
            ws.closeHandler(v -> {
                closed.complete((int) (ws.closeStatusCode() == null ? -1 : ws.closeStatusCode()));
                answered.complete(null);
            });
            ws.writeTextMessage("{\"type\":\"hello\",\"vm_id\":\"" + u.vmId() + "\",\"version\":\"1\"}");
            welcomed.get(10, TimeUnit.SECONDS);
            ws.writeFrame(WebSocketFrame.textFrame(text, true));
            answered.get(15, TimeUnit.SECONDS); // an error frame, or the close
            int code = closed.isDone() ? closed.get() : -2;
            ws.close();
            return new RawResult(code, frames);
        } finally {
            vertx.close();
        }
    }

    private double rejected(String code) {
        var counter = meters.find("gateway.plane.frames.rejected").tag("code", code).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void everyFrameOverTheLimitGetsFrameTooLargeWhateverItsSizeOrFragmentation() throws Exception {
        NewUser u = newModeUser();
        int limit = planeConfig.maxFrameBytes();
        double before = rejected("frame_too_large");
        try (TestPlane plane = connectAndGreet(u)) {
            plane.sendText(paddedPong(limit));                       // exactly the limit: accepted
            assertThatNoErrorFrame(plane);

            plane.sendText(paddedPong(limit + 1));                   // one byte over
            assertThat(plane.next("error", 5).get("code").asText()).isEqualTo("frame_too_large");
            plane.sendText(paddedPong(3 * 1024 * 1024));             // over what the socket layer used to allow (2 MiB)
            assertThat(plane.next("error", 5).get("code").asText()).isEqualTo("frame_too_large");
            plane.sendFragmented(paddedPong(6 * 1024 * 1024), 256 * 1024); // 24 fragments of 256 KiB
            assertThat(plane.next("error", 10).get("code").asText()).isEqualTo("frame_too_large");
            plane.sendFragmented(paddedPong(3 * 1024 * 1024), 64 * 1024);  // 3 MB in 48 fragments: answered too
            assertThat(plane.next("error", 10).get("code").asText()).isEqualTo("frame_too_large");
            plane.sendFragmented(paddedPong(limit), 100_000);        // fragmented but within the limit: accepted
            assertThatNoErrorFrame(plane);

            // the connection stays up and in order: the next request is answered
            JsonNode ok = request(plane, "get_skill_files", Map.of("skill", "search_docs"));
            assertThat(ok.get("ok").asBoolean()).isTrue();
            assertThat(plane.isOpen()).isTrue();
        }
        assertThat(rejected("frame_too_large") - before).isEqualTo(4);
    }

    @Test
    void oversizedFramesCountAsBadFramesTowardsTheFloodingLimit() throws Exception {
        NewUser u = newModeUser();
        String oversized = paddedPong(planeConfig.maxFrameBytes() + 1);
        try (TestPlane plane = connectAndGreet(u)) {
            for (int i = 0; i < planeConfig.maxBadFrames(); i++) {
                plane.sendText("garbage " + i); // small bad frames: max-bad-frames of them within the bad-frame window
            }
            assertThat(plane.isOpen()).isTrue();
            try {
                plane.sendFragmented(oversized, 512 * 1024);        // one more bad frame within the window: too many
            } catch (java.util.concurrent.ExecutionException closedWhileWriting) {
                // the gateway may close on the last fragment before the client's write of it completed
            }
            assertThat(plane.awaitClose(20)).isEqualTo(1008);
            assertThat(plane.closeReason()).startsWith("flooding");
        }
    }

    @Test
    void aSingleWebSocketFrameOverTheLimitGetsFrameTooLargeAndOneOverTheSocketLayersLimitClosesTheSocket()
            throws Exception {
        RawResult big = sendAsOneFrame(newModeUser(), paddedPong(3 * 1024 * 1024)); // over the old 2 MiB layer limit
        assertThat(big.closeCode()).as("still open").isEqualTo(-2);
        assertThat(big.frames()).anySatisfy(f -> assertThat(f).contains("\"frame_too_large\""));

        // the socket layer drops the connection mid-frame: the plane sees it closed (the 1009 close frame it writes
        // usually does not reach a client still busy sending)
        RawResult huge = sendAsOneFrame(newModeUser(), paddedPong(planeConfig.maxSocketFrameBytes() + 1));
        assertThat(huge.closeCode()).as("closed").isIn(1009, -1);
        assertThat(huge.frames()).noneSatisfy(f -> assertThat(f).contains("frame_too_large"));
    }

    @Test
    void everyMalformedFrameGetsItsDocumentedErrorCodeAndTheConnectionStaysUp() throws Exception {
        NewUser u = newModeUser();
        try (TestPlane plane = connectAndGreet(u)) {
            Map<String, String> expected = new java.util.LinkedHashMap<>();
            expected.put("[1, 2]", "invalid_frame");              // an array
            expected.put("null", "invalid_frame");                // JSON null
            expected.put("\"hello\"", "invalid_frame");           // a string
            expected.put("42", "invalid_frame");                  // a number
            expected.put("{\"type\": 7}", "missing_type");        // a type that is not a string
            expected.put("{\"type\": \"\"}", "missing_type");     // an empty type
            expected.put("{\"type\": null}", "missing_type");
            expected.put("{\"ty", "malformed_json");
            expected.put("{\"type\": \"hello\", \"vm_id\": \"" + u.vmId() + "\"}", "duplicate_hello");
            expected.put("{\"type\": \"request\", \"id\": 5, \"method\": \"memory_search\"}", "invalid_frame");
            for (Map.Entry<String, String> frame : expected.entrySet()) {
                plane.sendText(frame.getKey());
                JsonNode error = plane.next("error", 5);
                assertThat(error.get("code").asText()).as(frame.getKey()).isEqualTo(frame.getValue());
                assertThat(error.get("message").asText()).isNotBlank();
            }
            plane.sendBinary("{\"type\": \"pong\", \"ts\": 1}".getBytes(StandardCharsets.UTF_8)); // binary frames
            assertThat(plane.next("error", 5).get("code").asText()).isEqualTo("invalid_frame");
            assertThat(plane.isOpen()).isTrue();
        }
    }
}

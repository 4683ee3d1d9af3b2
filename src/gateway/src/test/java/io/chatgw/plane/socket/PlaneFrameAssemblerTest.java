package io.chatgw.plane.socket;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The assembler takes over from the component's message aggregation on a real Vert.x socket, whenever it is
 * installed: the component installs nothing before the OPEN event runs on a worker, and a plane may already be
 * sending. The server here plays the component (a text-message handler first, the assembler later, from another
 * thread).
 */
class PlaneFrameAssemblerTest {

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(1));
    private final List<String> delivered = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A server whose sockets deliver aggregated messages as "component:" and assembled ones as "assembler:". */
    private ServerWebSocket[] serve(CompletableFuture<Void> firstFrame, int[] port) throws Exception {
        ServerWebSocket[] socket = new ServerWebSocket[1];
        HttpServer server = vertx.createHttpServer().webSocketHandler(ws -> {
            socket[0] = ws;
            ws.textMessageHandler(m -> delivered.add("component:" + m));
            ws.frameHandler(f -> firstFrame.complete(null)); // only to know a frame arrived
        });
        port[0] = server.listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
        return socket;
    }

    private WebSocket connect(int port) throws Exception {
        return vertx.createWebSocketClient().connect(new WebSocketConnectOptions().setPort(port).setHost("localhost")
                .setURI("/")).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void send(WebSocket ws, WebSocketFrame frame) throws Exception {
        ws.writeFrame(frame).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aMessageWhoseFirstFragmentArrivedBeforeTheAssemblerWasInstalledIsDeliveredWhole() throws Exception {
        CompletableFuture<Void> firstFrame = new CompletableFuture<>();
        int[] port = new int[1];
        ServerWebSocket[] socket = serve(firstFrame, port);
        WebSocket ws = connect(port[0]);

        send(ws, WebSocketFrame.textFrame("{\"type\":", false)); // a fragmented message is in progress ...
        firstFrame.get(10, TimeUnit.SECONDS);
        PlaneFrameAssembler.install(socket[0], 1024, (m, arrived) -> delivered.add("assembler:" + m)); // ... when it installs
        send(ws, WebSocketFrame.continuationFrame(io.vertx.core.buffer.Buffer.buffer("\"pong\","), false));
        send(ws, WebSocketFrame.continuationFrame(io.vertx.core.buffer.Buffer.buffer("\"ts\":1}"), true));
        // the next messages are the assembler's: one fragmented, one over the limit
        send(ws, WebSocketFrame.textFrame("{\"type\":\"pong\",", false));
        send(ws, WebSocketFrame.continuationFrame(io.vertx.core.buffer.Buffer.buffer("\"ts\":2}"), true));
        send(ws, WebSocketFrame.textFrame("x".repeat(1025), true));

        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> delivered.size() >= 3);
        assertThat(delivered.subList(0, 2)).containsExactly(
                "component:{\"type\":\"pong\",\"ts\":1}", "assembler:{\"type\":\"pong\",\"ts\":2}");
        assertThat(delivered.get(2)).isEqualTo("assembler:" + new PlaneFrameAssembler.OversizedFrame(1025));
        assertThat(delivered).hasSize(3);
    }

    @Test
    void aCompleteMessageBeforeTheAssemblerWasInstalledStaysTheComponentsAndTheNextIsTheAssemblers()
            throws Exception {
        CompletableFuture<Void> firstFrame = new CompletableFuture<>();
        int[] port = new int[1];
        ServerWebSocket[] socket = serve(firstFrame, port);
        WebSocket ws = connect(port[0]);

        PlaneFrameAssembler.install(socket[0], 1024, (m, arrived) -> delivered.add("assembler:" + m));
        send(ws, WebSocketFrame.textFrame("{\"type\":\"hello\"}", true));   // the aggregation's last message
        send(ws, WebSocketFrame.textFrame("{\"type\":\"pong\"}", true));

        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> delivered.size() >= 2);
        assertThat(delivered).containsExactly("component:{\"type\":\"hello\"}", "assembler:{\"type\":\"pong\"}");
    }
}

package io.chatgw.plane.socket;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.function.ObjLongConsumer;

/**
 * Assembles one /ws/vm socket's WebSocket frames into protocol frames, holding at most {@code max-frame-bytes} of
 * a message: a message (one frame or many fragments) that grows past it is not kept, only counted, and is handed
 * on as an {@link OversizedFrame} once its last fragment arrived, so readPlaneFrame answers {@code frame_too_large}
 * whatever its size. Text messages go on as a String, binary ones as byte[] (refused later as invalid_frame).
 *
 * <p>It takes over from the component's message aggregation (Vert.x's aggregation would hold a whole message and,
 * past its own limit, drop it and deliver the rest as a new message): installed when the connection opens, it
 * removes the component's message handlers on the first final data frame it sees, on the socket's event loop.
 * Every frame up to that one went to the component's aggregation too (Vert.x hands a frame to it first), so the
 * assembler leaves the message it ends to the aggregation: a message already in progress when the assembler was
 * installed (a plane may send as soon as it is connected) arrives whole. Every later frame is the assembler's alone. Each message is handed to the socket Vert.x's single worker thread,
 * as the component hands its events, so frames stay in arrival order behind the ones the component delivered.
 * Control frames (ping, pong, close) are Vert.x's.
 */
final class PlaneFrameAssembler implements Handler<WebSocketFrame> {

    private final int maxBytes;
    private final ObjLongConsumer<Object> deliver;
    private final ServerWebSocket socket;
    private boolean tookOver;
    private Buffer message;
    private boolean binary;
    private boolean open;
    private long size;

    private PlaneFrameAssembler(ServerWebSocket socket, int maxBytes, ObjLongConsumer<Object> deliver) {
        this.socket = socket;
        this.maxBytes = maxBytes;
        this.deliver = deliver;
    }

    /**
     * Replaces the socket's message handlers with an assembler handing each message to {@code deliver}, with the
     * {@link System#nanoTime()} its last fragment came off the socket (on the event loop, before any queue: the flood
     * limits count by it).
     */
    static void install(ServerWebSocket socket, int maxBytes, ObjLongConsumer<Object> deliver) {
        socket.frameHandler(new PlaneFrameAssembler(socket, maxBytes, deliver));
    }

    @Override
    public void handle(WebSocketFrame frame) {
        if (!tookOver) {
            if (frame.isFinal() && (frame.isText() || frame.isBinary() || frame.isContinuation())) {
                tookOver = true;
                socket.textMessageHandler(null); // on the event loop: no frame reaches the aggregation after this one
                socket.binaryMessageHandler(null);
            }
            return; // this frame went to the component's aggregation, which completes the message it belongs to
        }
        switch (frame.type()) {
            case TEXT, BINARY -> start(frame.type() == io.vertx.core.http.WebSocketFrameType.BINARY);
            case CONTINUATION -> {
                if (!open) {
                    start(false); // a continuation with no start (a protocol error Vert.x lets through): a fragment
                }
            }
            default -> {
                return; // ping, pong, close: handled by Vert.x
            }
        }
        Buffer data = frame.binaryData();
        size += data.length();
        if (message != null) {
            if (size > maxBytes) {
                message = null; // too large: from here on only counted
            } else {
                message.appendBuffer(data);
            }
        }
        if (frame.isFinal()) {
            Object complete = message == null ? new OversizedFrame(size)
                    : binary ? message.getBytes() : message.toString(StandardCharsets.UTF_8);
            open = false;
            message = null;
            long arrived = System.nanoTime();
            // on the socket Vert.x's one worker, behind the component's earlier events (it uses the same pool)
            Vertx.currentContext().executeBlocking(() -> {
                deliver.accept(complete, arrived);
                return null;
            }, false);
        }
    }

    private void start(boolean binary) {
        this.binary = binary;
        this.open = true;
        this.size = 0;
        this.message = Buffer.buffer();
    }

    /** A message larger than max-frame-bytes: its content is gone, its size is known. */
    record OversizedFrame(long bytes) {
    }
}

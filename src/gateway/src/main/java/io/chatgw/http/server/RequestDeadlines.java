package io.chatgw.http.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * How long a client may take to send a request: its headers within {@code headerTimeout} of its first byte, its
 * body within {@code bodyTimeout} of the end of the headers. A client that trickles (slowloris) gets
 * {@code 408 header_timeout} / {@code 408 body_timeout} (JSON, {@code Connection: close}) and is closed; no endpoint
 * has seen the request ({@link ReadWholeBodyFirst} waits for the whole body). Reactor Netty's idle timeout only
 * bounds silence, not a trickle. Two handlers share one connection's state: one before the HTTP codec (the first
 * raw byte of a request), one after it (decoded requests in, the end of each response out).
 */
final class RequestDeadlines {

    private enum Phase { WAITING, HEADERS, BODY, ANSWERING }

    private final long headerNanos;
    private final long bodyNanos;
    private Phase phase = Phase.WAITING;
    private ScheduledFuture<?> deadline;

    private RequestDeadlines(Duration headerTimeout, Duration bodyTimeout) {
        this.headerNanos = headerTimeout.toNanos();
        this.bodyNanos = bodyTimeout.toNanos();
    }

    /** Puts the two handlers around {@code codec} in a new connection's pipeline. */
    static void install(ChannelPipeline pipeline, String codec, String name, Duration headerTimeout, Duration bodyTimeout) {
        RequestDeadlines deadlines = new RequestDeadlines(headerTimeout, bodyTimeout);
        pipeline.addBefore(codec, name + ".bytes", deadlines.new BytesIn());
        pipeline.addAfter(codec, name, deadlines.new Messages());
    }

    /** The first byte of a request starts its header deadline. */
    private final class BytesIn extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (phase == Phase.WAITING && msg instanceof ByteBuf bytes && bytes.isReadable()) {
                phase = Phase.HEADERS;
                arm(ctx, headerNanos, "header_timeout", "request headers not received in time");
            }
            super.channelRead(ctx, msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            disarm();
            super.channelInactive(ctx);
        }
    }

    /** Headers decoded: the body deadline; body complete: none until the response ends. */
    private final class Messages extends ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof HttpRequest) {
                disarm();
                phase = Phase.BODY;
                arm(ctx, bodyNanos, "body_timeout", "request body not received in time");
            }
            if (msg instanceof LastHttpContent && phase == Phase.BODY) {
                disarm();
                phase = Phase.ANSWERING;
            }
            super.channelRead(ctx, msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (msg instanceof LastHttpContent) {
                promise = promise.unvoid();
                promise.addListener(f -> {
                    if (phase == Phase.ANSWERING) {
                        phase = Phase.WAITING;
                    }
                });
            }
            super.write(ctx, msg, promise);
        }
    }

    private void arm(ChannelHandlerContext ctx, long nanos, String code, String message) {
        disarm();
        deadline = ctx.executor().schedule(() -> expire(ctx, code, message), nanos, TimeUnit.NANOSECONDS);
    }

    private void disarm() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    /** Runs on the connection's event loop; {@code ctx} is the handler after the codec, so the response is encoded. */
    private void expire(ChannelHandlerContext ctx, String code, String message) {
        deadline = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        ChannelHandlerContext messages = ctx.pipeline().context(Messages.class);
        if (messages == null) {
            ctx.close();
            return;
        }
        ctx.channel().config().setAutoRead(false);
        byte[] body = ("{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}")
                .getBytes(StandardCharsets.US_ASCII);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT,
                Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        messages.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}

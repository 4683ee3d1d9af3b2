package io.chatgw.plane.socket;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The /ws/vm port's deadline for becoming a plane socket: a connection must have sent its upgrade request (request
 * line and headers) and been upgraded to a WebSocket within {@code gateway.plane.upgrade-header-timeout} of being
 * accepted, however slowly it trickles (slowloris: every byte resets the idle timeout, which alone only bounds
 * silence) and whatever it sent before (a quick 404 or 400 on a kept-alive connection does not restart the clock).
 * Otherwise it gets {@code 408 upgrade_timeout} (JSON, {@code Connection: close}; over TLS only the close) and is
 * closed. Nothing of an unfinished request reached a route, so nothing is undone.
 *
 * <p>First in each accepted connection's pipeline ({@link PlaneSocketComponent} puts it there), it reads nothing and
 * passes every event on. At the deadline it looks whether the connection was upgraded (the WebSocket handshake put
 * a WebSocket frame decoder in the pipeline): an upgraded plane socket is left alone, bounded from then on by
 * {@code hello-timeout}, heartbeats and the idle timeout; the deadline takes itself out either way.
 */
final class UpgradeDeadline extends ChannelInboundHandlerAdapter {

    static final String NAME = "chatgw.upgradeDeadline";
    private static final Logger log = LoggerFactory.getLogger(UpgradeDeadline.class);
    private static final String BODY = "{\"error\":{\"code\":\"upgrade_timeout\",\"message\":\"WebSocket upgrade not completed in time\"}}";
    private static final byte[] TIMED_OUT = ("HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\n"
            + "Connection: close\r\nContent-Length: " + BODY.length() + "\r\n\r\n" + BODY).getBytes(StandardCharsets.US_ASCII);

    private final long nanos;
    private ScheduledFuture<?> deadline;

    UpgradeDeadline(Duration timeout) {
        this.nanos = timeout.toNanos();
    }

    /** Added while the connection is set up, right after it was accepted: the clock starts now. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> expire(ctx), nanos, TimeUnit.NANOSECONDS);
    }

    /** Taken out at the deadline, or with the rest of the pipeline when the connection closes first. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        deadline.cancel(false);
    }

    /** On the connection's event loop, as every handshake step: the connection is either upgraded by now or not. */
    private void expire(ChannelHandlerContext ctx) {
        if (ctx.isRemoved()) {
            return;
        }
        if (ctx.pipeline().get(WebSocketFrameDecoder.class) != null || !ctx.channel().isActive()) {
            ctx.pipeline().remove(this); // a plane socket: the deadline has no say over it any more
            return;
        }
        log.debug("/ws/vm connection from {} not upgraded within the deadline: closed", ctx.channel().remoteAddress());
        ctx.channel().config().setAutoRead(false);
        if (ctx.pipeline().get(SslHandler.class) != null) {
            ctx.close(); // this handler sits below TLS: a plain-text answer would be noise, so only the close
        } else {
            // from this first handler straight to the socket, past Vert.x's HTTP encoder (a request may be half read)
            ctx.writeAndFlush(Unpooled.wrappedBuffer(TIMED_OUT)).addListener(ChannelFutureListener.CLOSE);
        }
    }
}

package io.chatgw.plane.socket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The /ws/vm port's deadline for a connection's upgrade request: its request line and headers (up to the blank line)
 * must have arrived within {@code gateway.plane.upgrade-header-timeout} of the connection opening, however slowly
 * they trickle (slowloris: every byte resets the idle timeout, which alone only bounds silence). Otherwise the
 * connection gets {@code 408 upgrade_timeout} and is closed. First in the connection's pipeline, before Vert.x's own
 * handlers ({@link PlaneSocketComponent} puts it there on every accepted connection), it reads the raw bytes only to
 * find the end of the headers, then takes itself out: the upgraded plane is bounded by the idle timeout and
 * heartbeats, a request that is not an upgrade by Vert.x and the idle timeout.
 */
final class UpgradeDeadline extends ChannelInboundHandlerAdapter {

    static final String NAME = "chatgw.upgradeDeadline";
    private static final Logger log = LoggerFactory.getLogger(UpgradeDeadline.class);
    private static final byte[] END_OF_HEADERS = {'\r', '\n', '\r', '\n'};
    private static final String BODY = "{\"error\":{\"code\":\"upgrade_timeout\",\"message\":\"upgrade request not received in time\"}}";
    private static final byte[] TIMED_OUT = ("HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\n"
            + "Connection: close\r\nContent-Length: " + BODY.length() + "\r\n\r\n" + BODY).getBytes(StandardCharsets.US_ASCII);

    private final long nanos;
    private ScheduledFuture<?> deadline;
    /** How much of {@link #END_OF_HEADERS} the bytes so far end with. */
    private int matched;

    UpgradeDeadline(Duration timeout) {
        this.nanos = timeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> expire(ctx), nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        deadline.cancel(false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf bytes && headersEndIn(bytes)) {
            ctx.pipeline().remove(this); // the headers are complete: Vert.x and the route decide the rest
        }
        super.channelRead(ctx, msg);
    }

    private boolean headersEndIn(ByteBuf bytes) {
        for (int i = bytes.readerIndex(); i < bytes.writerIndex(); i++) {
            byte b = bytes.getByte(i);
            matched = b == END_OF_HEADERS[matched] ? matched + 1 : b == '\r' ? 1 : 0;
            if (matched == END_OF_HEADERS.length) {
                return true;
            }
        }
        return false;
    }

    /** On the connection's event loop: nothing of the request has reached Vert.x as a request, so it is answered here. */
    private void expire(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive() || ctx.isRemoved()) {
            return;
        }
        log.debug("/ws/vm connection from {}: upgrade request not complete in time, closed", ctx.channel().remoteAddress());
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(TIMED_OUT)).addListener(ChannelFutureListener.CLOSE);
    }
}

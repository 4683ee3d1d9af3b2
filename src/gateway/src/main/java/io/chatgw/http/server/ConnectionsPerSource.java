package io.chatgw.http.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code limit} open connections per remote address on the HTTP port: the next one is answered
 * {@code 429 too_many_connections} (JSON, {@code Connection: close}) before it is read, and closed. First in the
 * pipeline, so the refusal costs no HTTP decoding.
 */
@ChannelHandler.Sharable
final class ConnectionsPerSource extends ChannelInboundHandlerAdapter {

    private static final AttributeKey<InetAddress> COUNTED = AttributeKey.valueOf("chatgw.countedSource");
    private static final byte[] REFUSAL = ("HTTP/1.1 429 Too Many Requests\r\n"
            + "Content-Type: application/json\r\nConnection: close\r\nRetry-After: 1\r\nContent-Length: %d\r\n\r\n%s")
            .formatted(body().length(), body()).getBytes(StandardCharsets.US_ASCII);

    private final int limit;
    private final ConcurrentHashMap<InetAddress, AtomicInteger> open = new ConcurrentHashMap<>();

    ConnectionsPerSource(int limit) {
        this.limit = limit;
    }

    private static String body() {
        return "{\"error\":{\"code\":\"too_many_connections\",\"message\":\"too many open connections from this address\"}}";
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote && remote.getAddress() != null) {
            InetAddress source = remote.getAddress();
            int now = open.computeIfAbsent(source, a -> new AtomicInteger()).incrementAndGet();
            ctx.channel().attr(COUNTED).set(source);
            if (now > limit) {
                ctx.channel().config().setAutoRead(false);
                ctx.writeAndFlush(Unpooled.wrappedBuffer(REFUSAL)).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        InetAddress source = ctx.channel().attr(COUNTED).getAndSet(null);
        if (source != null) {
            open.computeIfPresent(source, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
        super.channelInactive(ctx);
    }

    /** Open connections from {@code source} (for tests and the operations docs' figures). */
    int openFrom(InetAddress source) {
        AtomicInteger n = open.get(source);
        return n == null ? 0 : n.get();
    }
}

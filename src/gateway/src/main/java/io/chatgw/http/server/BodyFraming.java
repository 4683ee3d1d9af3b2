package io.chatgw.http.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;

/**
 * Remembers that the body of the connection's current request failed to decode (a garbage chunk-size line, a
 * chunk extension too long, bad trailers). Netty hands such a body on as if it had ended with the failing chunk,
 * and Reactor Netty completes the request's body there (answering a bare 400 of its own): without this mark a handler
 * would act on the first chunks of a request the client never finished. {@link ReadWholeBodyFirst} checks it once
 * the body has been read, and answers {@code 400 malformed_body}.
 */
final class BodyFraming extends ChannelInboundHandlerAdapter {

    private static final AttributeKey<Throwable> FAILURE = AttributeKey.valueOf("chatgw.bodyFramingFailure");

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest) {
            ctx.channel().attr(FAILURE).set(null);
        }
        if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
            // marked, and passed on as a clean end of the body: Reactor Netty would otherwise answer a bare 400
            // itself while the body's subscriber still got the first chunks as a complete body
            ctx.channel().attr(FAILURE).set(content.decoderResult().cause());
            content.release();
            super.channelRead(ctx, LastHttpContent.EMPTY_LAST_CONTENT);
            return;
        }
        super.channelRead(ctx, msg);
    }

    /** Why the current request's body failed to decode, or null. */
    static Throwable failure(Channel channel) {
        return channel.attr(FAILURE).get();
    }
}

package io.chatgw.http.server;

import io.chatgw.core.GatewayException;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * No handler runs before its request's whole body has arrived intact: the body is read here first, and a request
 * whose body is cut off, badly framed ({@link BodyFraming}: {@code 400 malformed_body}), longer than
 * {@code gateway.http.max-body-bytes} ({@code 413 body_too_large}) or sent with a transfer coding other than
 * {@code chunked} ({@code 501 unsupported_transfer_encoding}, which Netty would read as an empty body) is
 * answered without any endpoint seeing it. Those answers close the connection: what is left of the body must not
 * be read as the next request. Endpoints then read the buffered body (their own, smaller limits apply there).
 */
@Component
public class ReadWholeBodyFirst implements WebFilter, Ordered {

    private final int maxBodyBytes;

    public ReadWholeBodyFirst(HttpServerProperties limits) {
        this.maxBodyBytes = limits.maxBodyBytes();
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10; // right after RequestIds, before anything that could act
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        HttpHeaders headers = request.getHeaders();
        String transferEncoding = headers.getFirst(HttpHeaders.TRANSFER_ENCODING);
        if (transferEncoding != null && !(headers.get(HttpHeaders.TRANSFER_ENCODING).size() == 1
                && transferEncoding.trim().equalsIgnoreCase("chunked"))) {
            return refuse(exchange, new GatewayException(501, "unsupported_transfer_encoding",
                    "Transfer-Encoding must be chunked (or absent, with Content-Length)"));
        }
        if (transferEncoding == null && headers.getContentLength() <= 0) {
            return chain.filter(exchange); // no body
        }
        if (headers.getContentLength() > maxBodyBytes) {
            return refuse(exchange, tooLarge());
        }
        return DataBufferUtils.join(request.getBody(), maxBodyBytes)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .onErrorMap(DataBufferLimitException.class, e -> tooLarge())
                .flatMap(body -> {
                    Throwable framing = framingFailure(request);
                    if (framing != null) {
                        return Mono.error(new GatewayException(400, "malformed_body",
                                "the request body is not validly framed: " + framing.getMessage()));
                    }
                    return chain.filter(exchange.mutate().request(buffered(request, body, exchange)).build());
                })
                .onErrorResume(GatewayException.class, e -> refuse(exchange, e));
    }

    private static ServerHttpRequest buffered(ServerHttpRequest request, byte[] body, ServerWebExchange exchange) {
        return new ServerHttpRequestDecorator(request) {
            @Override
            public Flux<org.springframework.core.io.buffer.DataBuffer> getBody() {
                return Flux.defer(() -> Flux.just(exchange.getResponse().bufferFactory().wrap(body)));
            }
        };
    }

    private static Throwable framingFailure(ServerHttpRequest request) {
        Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
        return nativeRequest instanceof Connection connection ? BodyFraming.failure(connection.channel()) : null;
    }

    /** Answered by {@code JsonErrorHandler} in the path's error shape; the connection closes after it. */
    private static Mono<Void> refuse(ServerWebExchange exchange, GatewayException e) {
        exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
        return Mono.error(e);
    }

    private GatewayException tooLarge() {
        return new GatewayException(413, "body_too_large", "request body exceeds " + maxBodyBytes + " bytes");
    }
}

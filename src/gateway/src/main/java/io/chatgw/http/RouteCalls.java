package io.chatgw.http;

import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import io.chatgw.core.TextInputs;
import io.chatgw.database.RequestPathDatabase;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.NettyOutbound;

/** What the thin HTTP handlers of the OpenAI-compatible and admin APIs share: read a body, call a route. */
final class RouteCalls {

    private static final Logger log = LoggerFactory.getLogger(RouteCalls.class);

    private RouteCalls() {
    }

    /**
     * Runs a route off the event loop (routes touch the database) with the request's Authorization and
     * Content-Type, its path variables and {@code headers} as message headers; fails with the route's exception,
     * or with 503 {@code database_unavailable} if PostgreSQL could not be reached ({@link RequestPathDatabase}: the
     * route's connections wait at most {@code gateway.database.request-connection-timeout}).
     */
    static Mono<Exchange> call(ProducerTemplate routes, String uri, ServerRequest request, byte[] body,
                               Map<String, String> headers) {
        return Mono.fromCallable(() -> {
            Exchange exchange = new DefaultExchange(routes.getCamelContext());
            exchange.getIn().setBody(body);
            setHeader(exchange, ExchangeKeys.HTTP_AUTHORIZATION, request.headers().firstHeader(HttpHeaders.AUTHORIZATION));
            setHeader(exchange, ExchangeKeys.HTTP_CONTENT_TYPE, request.headers().firstHeader(HttpHeaders.CONTENT_TYPE));
            setHeader(exchange, ExchangeKeys.TRACEPARENT, request.headers().firstHeader(ExchangeKeys.TRACEPARENT)); // validated by TurnTraces
            setHeader(exchange, ExchangeKeys.REMOTE_ADDRESS, request.remoteAddress()
                    .map(a -> a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress()).orElse(null));
            request.pathVariables().forEach((name, value) -> setHeader(exchange, name, value));
            RequestIds.RequestId requestId = RequestIds.of(request);
            if (requestId != null) {
                setHeader(exchange, ExchangeKeys.REQUEST_ID_HEADER, requestId.value().get());
                exchange.getIn().setHeader(ExchangeKeys.REQUEST_ID_FROM_CLIENT, requestId.fromClient());
            }
            headers.forEach((name, value) -> setHeader(exchange, name, value));
            RequestPathDatabase database = RequestPathDatabase.of(routes.getCamelContext());
            Exchange result = database.call(() -> routes.send(uri, exchange));
            if (result.getException() != null) {
                throw database.failure(result.getException()); // PostgreSQL unreachable: 503 database_unavailable
            }
            return result;
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /** Every path variable, query parameter and header the routes get passes {@link TextInputs} (400 nul_character). */
    private static void setHeader(Exchange exchange, String name, String value) {
        if (value != null) {
            TextInputs.requireNoNul(name.startsWith("query.") ? name.substring(6) : name, value);
            exchange.getIn().setHeader(name, value);
        }
    }

    /** Reads the whole body, refusing more than {@code limit} bytes (413) without buffering the excess. */
    static Mono<byte[]> readBody(ServerRequest request, int limit) {
        long declared = request.headers().contentLength().orElse(-1);
        if (declared > limit) {
            return Mono.error(tooLarge(limit));
        }
        return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), limit)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .onErrorMap(DataBufferLimitException.class, e -> tooLarge(limit));
    }

    private static GatewayException tooLarge(int limit) {
        return new GatewayException(413, "body_too_large", "request body exceeds " + limit + " bytes");
    }

    /** Drops a client that cannot keep up: closes its connection. */
    static void closeConnection(ServerRequest request) {
        ServerHttpResponse response = request.exchange().getResponse();
        Object nativeResponse = ServerHttpResponseDecorator.getNativeResponse(response);
        if (nativeResponse instanceof NettyOutbound outbound) {
            outbound.withConnection(connection -> connection.dispose());
        } else {
            log.warn("cannot close a slow client's connection of type {}", nativeResponse.getClass());
        }
    }
}

package io.chatgw.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.core.GatewayException;
import io.chatgw.core.RetryAfter;
import io.chatgw.database.RequestPathDatabase;
import io.chatgw.openai.OpenAiError;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.reactive.error.ErrorWebExceptionHandler;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Every error no handler answered itself (unknown path, wrong method, anything thrown outside the APIs'
 * own error handling) in the gateway's JSON shape instead of Spring's: {@code {"error": {"code", "message"}}},
 * and OpenAI's shape ({@code {"error": {"message", "type", "param", "code"}}}) under {@code /v1/}.
 * A path that exists for other methods is {@code 405 method_not_allowed} with {@code Allow}, not 404; PostgreSQL
 * unreachable is {@code 503 database_unavailable} with {@code Retry-After} ({@link RequestPathDatabase}).
 * Unexpected failures (5xx) are logged once with their stack trace.
 */
@Component
@Order(-2) // before Spring Boot's DefaultErrorWebExceptionHandler (-1)
public class JsonErrorHandler implements ErrorWebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(JsonErrorHandler.class);
    private static final List<HttpMethod> METHODS =
            List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

    private final ObjectProvider<RouterFunction<?>> routerFunctions;
    private final ObjectMapper json;
    private final RequestPathDatabase database;
    private volatile RouterFunction<ServerResponse> routes;

    public JsonErrorHandler(ObjectProvider<RouterFunction<?>> routerFunctions, ObjectMapper json,
                            RequestPathDatabase database) {
        this.routerFunctions = routerFunctions;
        this.json = json;
        this.database = database;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable thrown) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(thrown); // mid-stream: nothing left to answer with but closing the connection
        }
        // PostgreSQL unreachable: 503 database_unavailable
        Throwable error = thrown instanceof Exception e ? database.failure(e) : thrown;
        if (error instanceof GatewayException g) { // refused before any endpoint ran (io.chatgw.http.server)
            if (g instanceof RetryAfter later) {
                exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(later.retryAfterSeconds()));
            }
            return write(exchange, g.status(), g.code(), g.getMessage());
        }
        int status = error instanceof ResponseStatusException e ? e.getStatusCode().value() : 500;
        if (status >= 500) {
            log.error("{} {} failed", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), error);
        }
        if (status == 404) {
            return allowedMethods(exchange).flatMap(allowed -> allowed.isEmpty()
                    ? write(exchange, 404, "no such endpoint: " + exchange.getRequest().getPath())
                    : methodNotAllowed(exchange, allowed));
        }
        if (status == 405) {
            return write(exchange, 405, exchange.getRequest().getMethod() + " is not allowed here");
        }
        if (error instanceof ResponseStatusException e && status < 500) {
            exchange.getResponse().getHeaders().addAll(e.getHeaders());
            return write(exchange, status, e.getReason() != null ? e.getReason() : HttpStatus.valueOf(status).getReasonPhrase());
        }
        return write(exchange, status, "the gateway could not handle this request");
    }

    private Mono<Void> methodNotAllowed(ServerWebExchange exchange, List<HttpMethod> allowed) {
        exchange.getResponse().getHeaders().setAllow(new LinkedHashSet<>(allowed));
        return write(exchange, 405, exchange.getRequest().getMethod() + " is not allowed here; allowed: "
                + String.join(", ", allowed.stream().map(HttpMethod::name).toList()));
    }

    /** The methods some route accepts for this request's path (empty: the path is unknown). */
    private Mono<List<HttpMethod>> allowedMethods(ServerWebExchange exchange) {
        ServerRequest request = ServerRequest.create(exchange, HandlerStrategies.withDefaults().messageReaders());
        return Flux.fromIterable(METHODS)
                .filterWhen(method -> routes().route(ServerRequest.from(request).method(method).build()).hasElement())
                .collectList();
    }

    @SuppressWarnings("unchecked")
    private RouterFunction<ServerResponse> routes() {
        if (routes == null) {
            routes = routerFunctions.orderedStream()
                    .map(r -> (RouterFunction<ServerResponse>) r)
                    .reduce(RouterFunction::and)
                    .orElse(request -> Mono.empty());
        }
        return routes;
    }

    private Mono<Void> write(ServerWebExchange exchange, int status, String message) {
        return write(exchange, status, code(status), message);
    }

    private Mono<Void> write(ServerWebExchange exchange, int status, String code, String message) {
        Object body = exchange.getRequest().getPath().value().startsWith("/v1/")
                ? OpenAiError.of(new GatewayException(status, code, message)).body()
                : ErrorBodies.json(code, message);
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (Exception e) {
            return Mono.error(e);
        }
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatusCode.valueOf(status));
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().setContentLength(bytes.length);
        response.getHeaders().remove(HttpHeaders.CONTENT_ENCODING);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
    }

    /** {@code not_found}, {@code method_not_allowed}, ...: the status's name, as the APIs' own codes are written. */
    private static String code(int status) {
        if (status == 413) {
            return "body_too_large"; // as the APIs call it
        }
        if (status >= 500) {
            return "internal_error";
        }
        HttpStatus known = HttpStatus.resolve(status);
        return known == null ? "http_" + status : known.name().toLowerCase(Locale.ROOT);
    }
}

package io.chatgw.http;

import io.chatgw.core.GatewayException;
import io.chatgw.core.RetryAfter;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** The chat API's error shape: {@code {"error": {"code": "...", "message": "..."}}}. */
final class ErrorBodies {

    private ErrorBodies() {
    }

    static Mono<ServerResponse> of(int status, String code, String message) {
        return body(ServerResponse.status(HttpStatus.valueOf(status)), code, message);
    }

    /** The exception's status, code and message; a busy session's 409 or an unreachable database's 503 also say when to retry. */
    static Mono<ServerResponse> of(GatewayException e) {
        return body(withRetryAfter(ServerResponse.status(HttpStatus.valueOf(e.status())), e), e.code(), e.getMessage());
    }

    static ServerResponse.BodyBuilder withRetryAfter(ServerResponse.BodyBuilder builder, GatewayException e) {
        if (e instanceof RetryAfter later) {
            builder.header(HttpHeaders.RETRY_AFTER, Long.toString(later.retryAfterSeconds()));
        }
        return builder;
    }

    private static Mono<ServerResponse> body(ServerResponse.BodyBuilder builder, String code, String message) {
        return builder.contentType(MediaType.APPLICATION_JSON).bodyValue(json(code, message));
    }

    /** The native APIs' error body: {@code {"error": {"code", "message"}}}. */
    static Map<String, Object> json(String code, String message) {
        return Map.of("error", Map.of("code", code, "message", message));
    }
}

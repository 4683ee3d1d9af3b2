package io.chatgw.http;

import io.chatgw.core.GatewayException;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** The chat API's error shape: {@code {"error": {"code": "...", "message": "..."}}}. */
final class ErrorBodies {

    private ErrorBodies() {
    }

    static Mono<ServerResponse> of(int status, String code, String message) {
        return ServerResponse.status(HttpStatus.valueOf(status))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("error", Map.of("code", code, "message", message)));
    }

    static Mono<ServerResponse> of(GatewayException e) {
        return of(e.status(), e.code(), e.getMessage());
    }
}

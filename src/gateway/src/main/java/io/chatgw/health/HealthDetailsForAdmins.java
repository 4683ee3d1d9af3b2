package io.chatgw.health;

import io.chatgw.auth.JwtVerifier;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.HttpCodeStatusMapper;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code /actuator/health} and its groups ({@code /readiness}, {@code /liveness}, components) answer anyone with
 * the bare status ({@code {"status":"UP"}}, 200 or 503: what a load balancer needs), and only a caller with an
 * admin user JWT ({@code Authorization: Bearer}, role {@code admin}) with the details (database, Kafka cluster id,
 * spool path, ...). Without Spring Security the actuator's own {@code when-authorized} never sees a principal.
 */
@Component
public class HealthDetailsForAdmins implements WebFilter, Ordered {

    private static final String PREFIX = "/actuator/health";

    private final HealthEndpoint health;
    private final HttpCodeStatusMapper statusCodes;
    private final JwtVerifier jwt;

    public HealthDetailsForAdmins(HealthEndpoint health, HttpCodeStatusMapper statusCodes, JwtVerifier jwt) {
        this.health = health;
        this.statusCodes = statusCodes;
        this.jwt = jwt;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 20;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (!(path.equals(PREFIX) || path.startsWith(PREFIX + "/")) || isAdmin(exchange)) {
            return chain.filter(exchange);
        }
        String[] segments = path.substring(PREFIX.length()).split("/");
        String[] group = java.util.Arrays.stream(segments).filter(s -> !s.isEmpty()).toArray(String[]::new);
        return Mono.fromCallable(() -> java.util.Optional.ofNullable(group.length == 0 ? health.health() : health.healthForPath(group)))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(component -> component.isPresent() ? bare(exchange.getResponse(), component.get())
                        : chain.filter(exchange)); // unknown path: the actuator's own 404
    }

    private Mono<Void> bare(ServerHttpResponse response, HealthComponent component) {
        byte[] body = ("{\"status\":\"" + component.getStatus().getCode() + "\"}").getBytes(StandardCharsets.UTF_8);
        response.setStatusCode(HttpStatus.valueOf(statusCodes.getStatusCode(component.getStatus())));
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().setContentLength(body.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    private boolean isAdmin(ServerWebExchange exchange) {
        String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        try {
            JwtVerifier.Claims claims = jwt.verify(header.substring(7).trim());
            return claims.roles().contains("admin") && !claims.roles().contains("vm");
        } catch (JwtVerifier.JwtRejected e) {
            return false;
        }
    }
}

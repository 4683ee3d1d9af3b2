package io.chatgw.http;

import io.chatgw.auth.CallerDirectory;
import io.chatgw.auth.JwtVerifier;
import io.chatgw.database.RequestPathDatabase;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code GET /dev/token?sub=u-alice[&org=...][&roles=admin][&ttl=3600]}: a user JWT for local development,
 * signed with the configured secret. Only exists when {@code gateway.dev.token-endpoint-enabled=true}
 * (the {@code dev} profile); never enable it in production.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "gateway.dev.token-endpoint-enabled", havingValue = "true")
public class DevTokenEndpoint {

    private static final Logger log = LoggerFactory.getLogger(DevTokenEndpoint.class);

    /** A day: longer lifetimes are refused (400), as Instant arithmetic would overflow on huge ones (was a 500). */
    static final long MAX_TTL_SECONDS = 86_400;

    private final JwtVerifier jwt;
    private final JdbcTemplate jdbc;
    private final RequestPathDatabase database;

    public DevTokenEndpoint(JwtVerifier jwt, JdbcTemplate jdbc, RequestPathDatabase database) {
        this.jwt = jwt;
        this.jdbc = jdbc;
        this.database = database;
        log.warn("gateway.dev.token-endpoint-enabled=true: GET /dev/token issues tokens to anyone. Development only.");
    }

    @Bean
    RouterFunction<ServerResponse> devTokenRoute() {
        return RouterFunctions.route().GET("/dev/token", this::issue).build();
    }

    private Mono<ServerResponse> issue(ServerRequest request) {
        String sub = request.queryParam("sub").orElse(null);
        if (sub == null || !CallerDirectory.ID.matcher(sub).matches()) {
            return ErrorBodies.of(400, "invalid_sub", "query parameter 'sub' (a user id) is required");
        }
        long ttl;
        try {
            ttl = Long.parseLong(request.queryParam("ttl").orElse("3600"));
        } catch (NumberFormatException e) {
            ttl = -1;
        }
        if (ttl < 1 || ttl > MAX_TTL_SECONDS) {
            return ErrorBodies.of(400, "invalid_ttl", "ttl must be a number of seconds from 1 to " + MAX_TTL_SECONDS);
        }
        if (request.queryParam("org").filter(org -> !CallerDirectory.ID.matcher(org).matches()).isPresent()) {
            return ErrorBodies.of(400, "invalid_org", "query parameter 'org' must be an org id");
        }
        List<String> roles = request.queryParam("roles").map(r -> Arrays.asList(r.split(","))).orElse(List.of());
        if (roles.stream().anyMatch(role -> !CallerDirectory.ID.matcher(role).matches())) {
            return ErrorBodies.of(400, "invalid_roles", "query parameter 'roles' must be comma-separated role names");
        }
        long seconds = ttl;
        // PostgreSQL unreachable: 503 database_unavailable (JsonErrorHandler) within the request path's bound
        return Mono.fromCallable(() -> request.queryParam("org").isPresent() ? request.queryParam("org").get() : orgOf(sub))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(org -> ServerResponse.ok().contentType(MediaType.TEXT_PLAIN)
                        .bodyValue(jwt.issue(sub, org, roles, Duration.ofSeconds(seconds), Map.of()) + "\n"))
                .switchIfEmpty(ErrorBodies.of(400, "unknown_user", "user '" + sub + "' is not known: pass org=<org id> to provision one"));
    }

    private String orgOf(String user) throws Exception {
        return database.call(() -> jdbc.query("SELECT org_id FROM users WHERE id = ?", (rs, i) -> rs.getString(1), user)
                .stream().findFirst().orElse(null));
    }
}

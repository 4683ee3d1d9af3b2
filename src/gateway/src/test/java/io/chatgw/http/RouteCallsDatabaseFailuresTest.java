package io.chatgw.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.core.DatabaseUnavailable;
import io.chatgw.core.GatewayException;
import io.chatgw.database.DatabaseProperties;
import io.chatgw.database.RequestPathDatabase;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.mock.web.reactive.function.server.MockServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The shared mapping at route level: whatever route an endpoint calls through {@link RouteCalls}, PostgreSQL being
 * unreachable becomes 503 {@code database_unavailable} with {@code Retry-After}; other failures stay what they were.
 * The routes here have no error handler, as the HTTP layer's routes (caller-handles-errors).
 */
class RouteCallsDatabaseFailuresTest {

    private final AtomicBoolean ranOnRequestPath = new AtomicBoolean();
    private DefaultCamelContext camel;
    private ProducerTemplate routes;

    @BeforeEach
    void routes() throws Exception {
        camel = new DefaultCamelContext();
        camel.getRegistry().bind(RequestPathDatabase.BEAN,
                new RequestPathDatabase(new DatabaseProperties(Duration.ofSeconds(2), Duration.ofSeconds(7))));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(noErrorHandler());
                from("direct:needs-postgresql").process(e -> {
                    ranOnRequestPath.set(RequestPathDatabase.onRequestPath());
                    throw new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                            new SQLTransientConnectionException("request timed out after 2000ms", "08001"));
                });
                from("direct:refuses").process(e -> {
                    throw GatewayException.notFound("session_not_found", "no such session");
                });
                from("direct:breaks").process(e -> {
                    throw new IllegalStateException("a bug");
                });
            }
        });
        camel.start();
        routes = camel.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    void aRouteThatCannotReachPostgresqlFailsWith503DatabaseUnavailableAndRetryAfterRunOnTheRequestPath() {
        Throwable failure = failureOf("direct:needs-postgresql");
        assertThat(ranOnRequestPath).isTrue();
        assertThat(failure).isInstanceOf(DatabaseUnavailable.class).hasCauseInstanceOf(CannotGetJdbcConnectionException.class);
        DatabaseUnavailable unavailable = (DatabaseUnavailable) failure;
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.code()).isEqualTo("database_unavailable");

        ServerResponse response = ErrorBodies.of(unavailable).block(Duration.ofSeconds(5));
        assertThat(response.statusCode().value()).isEqualTo(503);
        assertThat(response.headers().getFirst("Retry-After")).isEqualTo("7");
    }

    @Test
    void otherFailuresOfARouteStayWhatTheyWere() {
        assertThat(failureOf("direct:refuses")).isExactlyInstanceOf(GatewayException.class)
                .extracting(e -> ((GatewayException) e).status()).isEqualTo(404);
        assertThat(failureOf("direct:breaks")).isExactlyInstanceOf(IllegalStateException.class);
    }

    private Throwable failureOf(String uri) {
        Throwable[] failure = new Throwable[1];
        RouteCalls.call(routes, uri, MockServerRequest.builder().build(), new byte[0], Map.of())
                .doOnError(e -> failure[0] = e)
                .onErrorResume(e -> reactor.core.publisher.Mono.empty())
                .block(Duration.ofSeconds(10));
        assertThat(failure[0]).as(uri + " failed").isNotNull();
        return failure[0];
    }
}

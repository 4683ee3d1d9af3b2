package io.chatgw.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hikari's pool pointed at a port nothing listens on (PostgreSQL down): which wait applies to whom. The bounds are
 * generous behaviour checks (which timeout applied), not speed targets.
 */
class RequestPathConnectionsTest {

    private static final Duration POOL_TIMEOUT = Duration.ofSeconds(6);

    private final DatabaseProperties config = new DatabaseProperties(Duration.ofSeconds(1), Duration.ofSeconds(60));
    private final DatabaseReachability reachability = new DatabaseReachability(config.retryAfter(), System::nanoTime);
    private final RequestPathDatabase requests = new RequestPathDatabase(config);
    private HikariDataSource pool;
    private RequestPathConnections connections;

    @BeforeEach
    void poolOnAClosedPort() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + port + "/postgres");
        hikari.setUsername("postgres");
        hikari.setConnectionTimeout(POOL_TIMEOUT.toMillis());
        hikari.setInitializationFailTimeout(-1); // starts without a database, as Spring Boot's pool outlives an outage
        pool = new HikariDataSource(hikari);
        connections = new RequestPathConnections(pool, reachability, config);
    }

    @AfterEach
    void close() {
        connections.close();
    }

    @Test
    void aRequestWaitsTheRequestConnectionTimeoutNotThePoolsAndThenTheNextRequestIsRefusedWithoutWaiting() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> requests.call(connections::getConnection)).isInstanceOf(SQLTransientConnectionException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(POOL_TIMEOUT.minusSeconds(2));
        assertThat(reachability.isDown()).isTrue();

        assertThatThrownBy(() -> requests.call(connections::getConnection))
                .isInstanceOf(SQLTransientConnectionException.class).hasMessageContaining("known to be unreachable");
    }

    @Test
    void aBackgroundWriterKeepsThePoolsOwnTimeoutAndIsNotRefusedWhilePostgresqlIsKnownDown() {
        reachability.unreachable(new SQLTransientConnectionException("refused", "08001"));
        long start = System.nanoTime();
        assertThatThrownBy(connections::getConnection).isInstanceOf(SQLTransientConnectionException.class)
                .hasMessageNotContaining("known to be unreachable");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(POOL_TIMEOUT.minusMillis(500));
    }

    @Test
    void aBusyPoolsTimeoutIsNotTakenForAnUnreachableDatabase() {
        assertThat(RequestPathConnections.connectFailed(new SQLTransientConnectionException("request timed out"))).isFalse();
        assertThat(RequestPathConnections.connectFailed(new SQLTransientConnectionException("request timed out",
                new SQLException("Connection refused", "08001")))).isTrue();
        assertThat(RequestPathConnections.connectFailed(new SQLException("terminating connection", "57P01"))).isTrue();
    }

    @Test
    void theRequestPathIsTheCallingThreadOnlyAndEndsWithTheCall() throws Exception {
        assertThat(RequestPathDatabase.onRequestPath()).isFalse();
        assertThat(requests.call(RequestPathDatabase::onRequestPath)).isTrue();
        assertThat(requests.call(() -> {
            java.util.concurrent.FutureTask<Boolean> other = new java.util.concurrent.FutureTask<>(RequestPathDatabase::onRequestPath);
            new Thread(other).start();
            return other.get();
        })).as("another thread (a wire-tap's)").isFalse();
        assertThat(RequestPathDatabase.onRequestPath()).isFalse();
    }
}

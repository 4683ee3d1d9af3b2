package io.chatgw.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import org.apache.camel.RuntimeCamelException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.junit.jupiter.api.Test;

class DatabaseUnavailableTest {

    @Test
    void noConnectionABrokenOneOrAServerShuttingDownIsPostgresqlUnreachableHoweverItIsWrapped() {
        SQLTransientConnectionException poolTimeout = new SQLTransientConnectionException("request timed out", "08001");
        assertThat(DatabaseUnavailable.isUnreachable(new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection", poolTimeout))).isTrue();
        assertThat(DatabaseUnavailable.isUnreachable(new CannotCreateTransactionException("Could not open JDBC Connection", poolTimeout))).isTrue();
        assertThat(DatabaseUnavailable.isUnreachable(new RuntimeCamelException(poolTimeout))).isTrue();
        assertThat(DatabaseUnavailable.isUnreachable(new IllegalStateException(new SQLException("I/O error", "08006")))).isTrue();
        assertThat(DatabaseUnavailable.isUnreachable(new SQLException("terminating connection due to administrator command", "57P01"))).isTrue();
        assertThat(DatabaseUnavailable.isUnreachable(new SQLException("the database system is starting up", "57P03"))).isTrue();
    }

    @Test
    void aQueryPostgresqlAnsweredWithAnErrorIsNotUnreachable() {
        assertThat(DatabaseUnavailable.isUnreachable(new DuplicateKeyException("duplicate key"))).isFalse();
        assertThat(DatabaseUnavailable.isUnreachable(new BadSqlGrammarException("select", "SELEC 1", new SQLException("syntax", "42601")))).isFalse();
        assertThat(DatabaseUnavailable.isUnreachable(new SQLException("division by zero", "22012"))).isFalse();
        assertThat(DatabaseUnavailable.isUnreachable(new IllegalArgumentException("bad"))).isFalse();
        assertThat(DatabaseUnavailable.isUnreachable(null)).isFalse();
    }

    @Test
    void itIs503DatabaseUnavailableWithRetryAfterInWholeSecondsRoundedUp() {
        DatabaseUnavailable e = new DatabaseUnavailable(Duration.ofMillis(4200), new SQLException("x", "08001"));
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.code()).isEqualTo("database_unavailable");
        assertThat(e.retryAfterSeconds()).isEqualTo(5);
        assertThat(e.getMessage()).doesNotContain("SQL").doesNotContain("Exception");
    }
}

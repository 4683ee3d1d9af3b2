package io.chatgw.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Which failures keep events in the spool (PostgreSQL unreachable: retried) and which make them dead (PostgreSQL
 * rejected them). A PostgreSQL stopped in the middle of a batch's transaction is an outage, whatever the driver throws.
 */
class EventStoreOutageTest {

    @Test
    void aRollbackThatFailedBecausePostgresqlWentAwayIsAnOutage() {
        TransactionSystemException rollback = new TransactionSystemException("JDBC rollback failed",
                new AssertionError("pgStatement.getConnection().getAutoCommit() should not throw"));
        assertThat(EventStore.isOutage(rollback)).isTrue();
        assertThat(EventStore.isOutage(new DataAccessResourceFailureException("An I/O error occurred while sending to the backend")))
                .isTrue();
        assertThat(EventStore.isOutage(new RuntimeException(new SQLException("closed", "08003")))).isTrue();
    }

    @Test
    void aConstraintOrBadValueIsNotAnOutage() {
        assertThat(EventStore.isOutage(new DataIntegrityViolationException("violates check constraint",
                new SQLException("check", "23514")))).isFalse();
        assertThat(EventStore.isOutage(new IllegalArgumentException("not an event"))).isFalse();
    }
}

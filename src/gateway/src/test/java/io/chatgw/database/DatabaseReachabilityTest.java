package io.chatgw.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DatabaseReachabilityTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final DatabaseReachability reachability = new DatabaseReachability(Duration.ofSeconds(5), now::get);

    @Test
    void whilePostgresqlAnswersEveryRequestMayAskForAConnection() {
        assertThat(reachability.admitsRequest()).isTrue();
        assertThat(reachability.admitsRequest()).isTrue();
        assertThat(reachability.isDown()).isFalse();
    }

    @Test
    void afterAConnectionCouldNotBeOpenedRequestsAreRefusedUntilTheRetryIntervalThenExactlyOneTriesAgain() {
        reachability.unreachable(new SQLTransientConnectionException("refused", "08001"));
        assertThat(reachability.isDown()).isTrue();
        assertThat(reachability.admitsRequest()).isFalse();
        now.addAndGet(Duration.ofMillis(4999).toNanos());
        assertThat(reachability.admitsRequest()).isFalse();
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(reachability.admitsRequest()).as("the retry").isTrue();
        assertThat(reachability.admitsRequest()).as("only one retry per interval").isFalse();
        reachability.unreachable(new SQLTransientConnectionException("refused again", "08001"));
        now.addAndGet(Duration.ofSeconds(4).toNanos());
        assertThat(reachability.admitsRequest()).as("the interval counts from the last failed attempt").isFalse();
    }

    @Test
    void anyConnectionHandedOutBringsRequestsBackAtOnce() {
        reachability.unreachable(new SQLTransientConnectionException("refused", "08001"));
        reachability.reached(); // e.g. a background writer's connection
        assertThat(reachability.isDown()).isFalse();
        assertThat(reachability.admitsRequest()).isTrue();
        assertThat(reachability.admitsRequest()).isTrue();
    }
}

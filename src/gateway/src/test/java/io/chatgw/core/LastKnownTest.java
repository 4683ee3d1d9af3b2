package io.chatgw.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

class LastKnownTest {

    private final AtomicLong now = new AtomicLong();
    private final Counter served = new SimpleMeterRegistry().counter("served");
    private final LastKnown<String, String> cache = new LastKnown<>(2, Duration.ofMinutes(30).toNanos(), now::get, served);

    private static Supplier<Optional<String>> unreachable() {
        return () -> {
            throw new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection");
        };
    }

    @Test
    void whilePostgresqlAnswersEveryReadIsItsAnswer() {
        assertThat(cache.read("u1", () -> Optional.of("org-a"))).contains("org-a");
        assertThat(cache.read("u1", () -> Optional.of("org-b"))).contains("org-b");
        assertThat(served.count()).isZero();
    }

    @Test
    void whenPostgresqlIsUnreachableTheLastAnswerIsServedAndCounted() {
        cache.read("u1", () -> Optional.of("org-a"));
        assertThat(cache.read("u1", unreachable())).contains("org-a");
        assertThat(served.count()).isEqualTo(1);
    }

    @Test
    void aKeyNeverReadKeepsTheFailure() {
        assertThatThrownBy(() -> cache.read("u1", unreachable())).isInstanceOf(CannotGetJdbcConnectionException.class);
    }

    @Test
    void anErrorPostgresqlAnsweredWithIsNeverCoveredUp() {
        cache.read("u1", () -> Optional.of("org-a"));
        assertThatThrownBy(() -> cache.read("u1", () -> {
            throw new DataIntegrityViolationException("a constraint");
        })).isInstanceOf(DataIntegrityViolationException.class);
    }

    @Test
    void anEmptyAnswerForgetsTheKey() {
        cache.read("u1", () -> Optional.of("org-a"));
        assertThat(cache.read("u1", Optional::empty)).isEmpty(); // deleted, revoked
        assertThatThrownBy(() -> cache.read("u1", unreachable())).isInstanceOf(CannotGetJdbcConnectionException.class);
    }

    @Test
    void anAnswerOlderThanTheMaximumAgeIsNotServed() {
        cache.read("u1", () -> Optional.of("org-a"));
        now.addAndGet(Duration.ofMinutes(31).toNanos());
        assertThatThrownBy(() -> cache.read("u1", unreachable())).isInstanceOf(CannotGetJdbcConnectionException.class);
    }

    @Test
    void theLeastRecentlyUsedEntryIsDroppedBeyondTheSize() {
        cache.read("u1", () -> Optional.of("a"));
        cache.read("u2", () -> Optional.of("b"));
        cache.read("u1", unreachable()); // u1 used: u2 is now the eldest
        cache.read("u3", () -> Optional.of("c"));
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.read("u1", unreachable())).contains("a");
        assertThatThrownBy(() -> cache.read("u2", unreachable())).isInstanceOf(CannotGetJdbcConnectionException.class);
    }

    @Test
    void anUpdateChangesTheValueButNotItsAge() {
        cache.read("s1", () -> Optional.of("turn 1"));
        now.addAndGet(Duration.ofMinutes(20).toNanos());
        cache.update("s1", v -> v + ", turn 2");
        cache.update("s2", v -> "never read: nothing to update");
        assertThat(cache.read("s1", unreachable())).contains("turn 1, turn 2");
        now.addAndGet(Duration.ofMinutes(11).toNanos());
        assertThatThrownBy(() -> cache.read("s1", unreachable())).isInstanceOf(CannotGetJdbcConnectionException.class);
        assertThatThrownBy(() -> cache.read("s2", unreachable())).isInstanceOf(CannotGetJdbcConnectionException.class);
    }

    @Test
    void forgetIfDropsTheMatchingValues() {
        cache.read("k1", () -> Optional.of("key of u1"));
        cache.read("k2", () -> Optional.of("key of u2"));
        cache.forgetIf(v -> v.endsWith("u1")); // revoked
        assertThatThrownBy(() -> cache.read("k1", unreachable())).isInstanceOf(CannotGetJdbcConnectionException.class);
        assertThat(cache.read("k2", unreachable())).contains("key of u2");
    }

    @Test
    void sizeZeroKeepsNothing() {
        LastKnown<String, String> none = new LastKnown<>(0, Long.MAX_VALUE, now::get, served);
        none.read("u1", () -> Optional.of("org-a"));
        assertThatThrownBy(() -> none.read("u1", unreachable())).isInstanceOf(CannotGetJdbcConnectionException.class);
    }
}

package io.chatgw.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AuditRateLimitTest {

    private final AtomicLong now = new AtomicLong(10 * 60_000L);
    private final AuditRateLimit limit = new AuditRateLimit(10, now::get);

    @Test
    void aSourceIsAuditedAtMostTheLimitPerClockMinute() {
        long allowed = IntStream.range(0, 30).filter(i -> limit.allow("10.0.0.1")).count();
        assertThat(allowed).isEqualTo(10);
        now.addAndGet(59_000); // same minute
        assertThat(limit.allow("10.0.0.1")).isFalse();
    }

    @Test
    void anotherSourceHasItsOwnBudget() {
        IntStream.range(0, 10).forEach(i -> limit.allow("10.0.0.1"));
        assertThat(limit.allow("10.0.0.1")).isFalse();
        assertThat(limit.allow("10.0.0.2")).isTrue();
    }

    @Test
    void theNextMinuteStartsOver() {
        IntStream.range(0, 10).forEach(i -> limit.allow("10.0.0.1"));
        now.addAndGet(60_000);
        assertThat(limit.allow("10.0.0.1")).isTrue();
    }

    @Test
    void beyondTenThousandSourcesInAMinuteTheRestShareOneBudget() {
        IntStream.range(0, 10_000).forEach(i -> limit.allow("source-" + i));
        long allowed = IntStream.range(0, 50).filter(i -> limit.allow("flood-" + i)).count();
        assertThat(allowed).isEqualTo(10);
    }
}

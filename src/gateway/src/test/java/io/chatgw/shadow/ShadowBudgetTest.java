package io.chatgw.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-minute cost cap: runs started and tokens reported in any 60 s. */
class ShadowBudgetTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private void advanceSeconds(long s) {
        now.addAndGet(s * 1_000_000_000L);
    }

    @Test
    void runsBeyondTheCapInSixtySecondsAreRefusedUntilTheOldestLeavesTheWindow() {
        ShadowBudget budget = new ShadowBudget(2, 1_000_000, now::get);
        assertThat(budget.tryStart()).isTrue();
        advanceSeconds(30);
        assertThat(budget.tryStart()).isTrue();
        assertThat(budget.tryStart()).isFalse();
        advanceSeconds(29);
        assertThat(budget.tryStart()).as("the first start is 59 s old").isFalse();
        advanceSeconds(1);
        assertThat(budget.tryStart()).isTrue();
    }

    @Test
    void tokensReachingTheCapStopNewRunsForSixtySeconds() {
        ShadowBudget budget = new ShadowBudget(100, 500, now::get);
        assertThat(budget.tryStart()).isTrue();
        budget.spend(499);
        assertThat(budget.tryStart()).isTrue();
        budget.spend(1);
        assertThat(budget.tryStart()).isFalse();
        advanceSeconds(60);
        assertThat(budget.tryStart()).isTrue();
    }
}

package io.chatgw.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.chatgw.core.ExecutionMode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One path's window: counts by result, the mean latency to the first event, estimated percentiles, sliding. */
class PathWindowTest {

    private final MonitorTestSupport.ManualClock clock = new MonitorTestSupport.ManualClock();

    private static PathExecution ok(long firstEventMillis, long totalMillis) {
        return new PathExecution("org-w", ExecutionMode.LEGACY, PathExecution.Result.SUCCESS,
                Duration.ofMillis(firstEventMillis), Duration.ofMillis(totalMillis));
    }

    @Test
    void countsResultsAndAveragesOnlyTheExecutionsThatHadAFirstEvent() {
        for (boolean shared : new boolean[] {true, false}) {
            PathWindow w = PathWindow.timeBased(Duration.ofMinutes(5), clock, shared);
            w.record(ok(100, 1000));
            w.record(ok(300, 1000));
            w.record(new PathExecution("org-w", ExecutionMode.LEGACY, PathExecution.Result.ERROR, null, Duration.ofMillis(5)));
            w.record(new PathExecution("org-w", ExecutionMode.LEGACY, PathExecution.Result.TIMEOUT, null, Duration.ofSeconds(3)));

            WindowFigures f = w.figures();
            assertThat(f.calls()).isEqualTo(4);
            assertThat(f.successes()).isEqualTo(2);
            assertThat(f.errors()).isEqualTo(1);
            assertThat(f.timeouts()).isEqualTo(1);
            assertThat(f.errorRate()).isEqualTo(0.25);
            assertThat(f.firstEventCalls()).isEqualTo(2);
            assertThat(f.meanFirstEventMillis()).isEqualTo(200.0);
        }
    }

    @Test
    void percentilesAreEstimatedWithinTheirBucket() {
        PathWindow w = PathWindow.timeBased(Duration.ofMinutes(5), clock, true);
        for (int ms = 1; ms <= 1000; ms++) {
            w.record(ok(ms, ms * 10L));
        }

        WindowFigures f = w.figures();
        assertThat(f.firstEvent().p50()).isCloseTo(500, within(50.0));
        assertThat(f.firstEvent().p95()).isCloseTo(950, within(95.0));
        assertThat(f.firstEvent().p99()).isCloseTo(990, within(99.0));
        assertThat(f.total().p50()).isCloseTo(5000, within(500.0));
    }

    @Test
    void executionsOlderThanTheWindowLeaveItInBothVariants() {
        for (boolean shared : new boolean[] {true, false}) {
            PathWindow w = PathWindow.timeBased(Duration.ofSeconds(60), clock, shared);
            w.record(ok(100, 200));
            clock.advance(Duration.ofSeconds(30));
            w.record(ok(100, 200));
            assertThat(w.figures().calls()).as("shared=" + shared).isEqualTo(2);

            clock.advance(Duration.ofSeconds(31));
            assertThat(w.figures().calls()).as("shared=" + shared).isEqualTo(1);
            clock.advance(Duration.ofSeconds(30));
            assertThat(w.isEmpty()).isTrue();
        }
    }
}

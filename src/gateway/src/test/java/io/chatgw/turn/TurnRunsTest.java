package io.chatgw.turn;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.core.ExecutionMode;
import io.chatgw.core.GatewayException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A stopped turn's runs: the current one ends, so does every one started later, and its path's cancel runs however late it is set. */
class TurnRunsTest {

    private final TurnRuns runs = new TurnRuns();
    private final GatewayException stopped = new GatewayException(503, "shadow_stopped", "the shadow-run route was stopped");

    @Test
    void aRunStartedAfterTheStopEndsAtOnceWithTheStopsReason() {
        runs.stop(stopped);
        PathRun run = runs.start(null, ExecutionMode.LEGACY);
        assertThat(run.end()).isCompletedExceptionally();
        assertThat(run.failure()).isSameAs(stopped);
    }

    @Test
    void theRunningRunIsCancelledAndItsPathToldToStop() {
        PathRun run = runs.start(null, ExecutionMode.DIRECT_LLM);
        AtomicInteger pathStops = new AtomicInteger();
        run.onCancel(pathStops::incrementAndGet);
        runs.stop(stopped);
        assertThat(run.failure()).isSameAs(stopped);
        assertThat(pathStops).hasValue(1);
        runs.stop(stopped); // again: the path is not told twice
        assertThat(pathStops).hasValue(1);
    }

    @Test
    void aPathThatSetsItsCancelActionAfterTheStopIsToldToStopAtOnce() {
        PathRun run = runs.start(null, ExecutionMode.NEW); // e.g. the plane path, waiting for its plane to start
        runs.stop(stopped);
        AtomicInteger pathStops = new AtomicInteger();
        run.onCancel(pathStops::incrementAndGet);
        assertThat(pathStops).hasValue(1);
    }

    @Test
    void aRunThatEndedByItselfIsNotCancelledBySetOrStop() {
        PathRun run = runs.start(null, ExecutionMode.LEGACY);
        run.succeed();
        AtomicInteger pathStops = new AtomicInteger();
        run.onCancel(pathStops::incrementAndGet);
        runs.stop(stopped);
        assertThat(run.failure()).isNull();
        assertThat(pathStops).hasValue(0);
    }
}

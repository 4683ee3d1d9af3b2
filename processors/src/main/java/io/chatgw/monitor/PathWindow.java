package io.chatgw.monitor;

import io.github.resilience4j.core.metrics.FixedSizeSlidingWindowMetrics;
import io.github.resilience4j.core.metrics.LockFreeSlidingTimeWindowMetrics;
import io.github.resilience4j.core.metrics.Metrics;
import io.github.resilience4j.core.metrics.Snapshot;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.TimeWindowPercentileHistogram;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The executions of one path (of one org, or of all orgs) over a sliding window, kept by resilience4j's window
 * metrics: {@code outcomes} holds every execution (ERROR = error, SLOW_ERROR = timeout, duration = total) and
 * {@code firstEvents} the ones that had a first event (duration = latency to it). Micrometer's time-window
 * histograms give the percentiles. Lock-free for the time window; thread-safe.
 */
final class PathWindow {

    private static final double[] PERCENTILES = {0.5, 0.95, 0.99};

    private final Metrics outcomes;
    private final Metrics firstEvents;
    private final TimeWindowPercentileHistogram firstEventHistogram;
    private final TimeWindowPercentileHistogram totalHistogram;

    private PathWindow(Metrics outcomes, Metrics firstEvents, TimeWindowPercentileHistogram firstEventHistogram,
                       TimeWindowPercentileHistogram totalHistogram) {
        this.outcomes = outcomes;
        this.firstEvents = firstEvents;
        this.firstEventHistogram = firstEventHistogram;
        this.totalHistogram = totalHistogram;
    }

    /** A sliding time window of {@code window} (whole seconds), with percentiles. */
    static PathWindow timeBased(Duration window, MonitorClock clock) {
        int seconds = (int) Math.max(1, window.toSeconds());
        DistributionStatisticConfig config = DistributionStatisticConfig.builder()
                .percentiles(PERCENTILES).percentilePrecision(2)
                .expiry(window).bufferLength(5).build().merge(DistributionStatisticConfig.DEFAULT);
        return new PathWindow(new LockFreeSlidingTimeWindowMetrics(seconds, clock),
                new LockFreeSlidingTimeWindowMetrics(seconds, clock),
                new TimeWindowPercentileHistogram(clock, config, false),
                new TimeWindowPercentileHistogram(clock, config, false));
    }

    /** The last {@code size} executions (half-open probes), without percentiles. */
    static PathWindow countBased(int size) {
        return new PathWindow(new FixedSizeSlidingWindowMetrics(size), new FixedSizeSlidingWindowMetrics(size),
                null, null);
    }

    WindowFigures record(PathExecution e) {
        Metrics.Outcome outcome = switch (e.result()) {
            case SUCCESS -> Metrics.Outcome.SUCCESS;
            case ERROR -> Metrics.Outcome.ERROR;
            case TIMEOUT -> Metrics.Outcome.SLOW_ERROR;
        };
        long totalNanos = e.total().toNanos();
        Snapshot first = e.firstEvent() == null ? firstEvents.getSnapshot()
                : firstEvents.record(e.firstEvent().toNanos(), TimeUnit.NANOSECONDS, Metrics.Outcome.SUCCESS);
        Snapshot all = outcomes.record(totalNanos, TimeUnit.NANOSECONDS, outcome);
        if (totalHistogram != null) {
            totalHistogram.recordLong(totalNanos);
            if (e.firstEvent() != null) {
                firstEventHistogram.recordLong(e.firstEvent().toNanos());
            }
        }
        return figures(all, first, false);
    }

    /** Everything, percentiles included. */
    WindowFigures figures() {
        return figures(outcomes.getSnapshot(), firstEvents.getSnapshot(), true);
    }

    boolean isEmpty() {
        return outcomes.getSnapshot().getTotalNumberOfCalls() == 0;
    }

    private WindowFigures figures(Snapshot all, Snapshot first, boolean withPercentiles) {
        int calls = all.getTotalNumberOfCalls();
        int timeouts = all.getNumberOfSlowFailedCalls();
        int errors = all.getNumberOfFailedCalls() - timeouts;
        int firstCalls = first.getTotalNumberOfCalls();
        double mean = firstCalls == 0 ? -1 : first.getTotalDuration().toNanos() / 1e6 / firstCalls;
        return new WindowFigures(calls, calls - errors - timeouts, errors, timeouts, firstCalls, mean,
                withPercentiles ? percentiles(firstEventHistogram) : WindowFigures.Percentiles.NONE,
                withPercentiles ? percentiles(totalHistogram) : WindowFigures.Percentiles.NONE);
    }

    private static WindowFigures.Percentiles percentiles(TimeWindowPercentileHistogram histogram) {
        if (histogram == null) {
            return WindowFigures.Percentiles.NONE;
        }
        HistogramSnapshot snapshot = histogram.takeSnapshot(0, 0, 0);
        ValueAtPercentile[] values = snapshot.percentileValues();
        if (values.length < 3 || Double.isNaN(values[0].value()) || values[2].value() == 0) {
            return WindowFigures.Percentiles.NONE;
        }
        return new WindowFigures.Percentiles(values[0].value(TimeUnit.MILLISECONDS),
                values[1].value(TimeUnit.MILLISECONDS), values[2].value(TimeUnit.MILLISECONDS));
    }
}

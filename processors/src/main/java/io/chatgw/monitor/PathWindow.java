package io.chatgw.monitor;

import io.github.resilience4j.core.metrics.FixedSizeSlidingWindowMetrics;
import io.github.resilience4j.core.metrics.LockFreeSlidingTimeWindowMetrics;
import io.github.resilience4j.core.metrics.Metrics;
import io.github.resilience4j.core.metrics.Snapshot;
import io.github.resilience4j.core.metrics.SlidingTimeWindowMetrics;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.Histogram;
import io.micrometer.core.instrument.distribution.TimeWindowFixedBoundaryHistogram;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

/**
 * The executions of one path (of one org, or of all orgs) over a sliding window, kept by resilience4j's window
 * metrics: {@code outcomes} holds every execution (ERROR = error, SLOW_ERROR = timeout, duration = total) and
 * {@code firstEvents} the ones that had a first event (duration = latency to it). Micrometer's time-window
 * fixed-boundary histograms (about 2 KB each) give the percentiles, interpolated within their buckets.
 * Thread-safe; the global windows, which every execution hits, are resilience4j's lock-free variant (about 48 KB),
 * an org's the locked one (about 16 KB; only that org's executions contend for it).
 */
final class PathWindow {

    /** Bucket upper bounds (ns) of the latency histograms: 1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8 x 10^n ms up to
     *  5 min, then a catch-all (a percentile there reads as 5 min). */
    private static final double[] BOUNDARIES = java.util.stream.DoubleStream.concat(
            java.util.stream.IntStream.range(0, 6).boxed().flatMapToDouble(decade -> java.util.stream.DoubleStream
                    .of(1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8).map(m -> m * Math.pow(10, decade)))
                    .filter(ms -> ms <= 300_000),
            java.util.stream.DoubleStream.of(3_600_000)).map(ms -> ms * 1e6).toArray();

    private final Metrics outcomes;
    private final Metrics firstEvents;
    private final Histogram firstEventHistogram;
    private final Histogram totalHistogram;

    private PathWindow(Metrics outcomes, Metrics firstEvents, Histogram firstEventHistogram, Histogram totalHistogram) {
        this.outcomes = outcomes;
        this.firstEvents = firstEvents;
        this.firstEventHistogram = firstEventHistogram;
        this.totalHistogram = totalHistogram;
    }

    /** A sliding time window of {@code window} (whole seconds), with percentiles; lock-free if {@code shared}. */
    static PathWindow timeBased(Duration window, MonitorClock clock, boolean shared) {
        int seconds = (int) Math.max(1, window.toSeconds());
        DistributionStatisticConfig config = DistributionStatisticConfig.builder()
                .serviceLevelObjectives(BOUNDARIES).expiry(window).bufferLength(5).build()
                .merge(DistributionStatisticConfig.DEFAULT);
        return new PathWindow(metrics(seconds, clock, shared), metrics(seconds, clock, shared),
                new TimeWindowFixedBoundaryHistogram(clock, config, true),
                new TimeWindowFixedBoundaryHistogram(clock, config, true));
    }

    private static Metrics metrics(int seconds, MonitorClock clock, boolean lockFree) {
        return lockFree ? new LockFreeSlidingTimeWindowMetrics(seconds, clock)
                : new SlidingTimeWindowMetrics(seconds, javaClock(clock));
    }

    private static java.time.Clock javaClock(MonitorClock clock) {
        return new java.time.Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return clock.now();
            }
        };
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

    private static WindowFigures.Percentiles percentiles(Histogram histogram) {
        if (histogram == null) {
            return WindowFigures.Percentiles.NONE;
        }
        CountAtBucket[] buckets = histogram.takeSnapshot(0, 0, 0).histogramCounts(); // cumulative counts
        double total = buckets.length == 0 ? 0 : buckets[buckets.length - 1].count();
        if (total == 0) {
            return WindowFigures.Percentiles.NONE;
        }
        return new WindowFigures.Percentiles(at(buckets, total, 0.5), at(buckets, total, 0.95), at(buckets, total, 0.99));
    }

    /** The {@code q} quantile in ms, linear within its bucket; the catch-all bucket reports its lower bound. */
    private static double at(CountAtBucket[] buckets, double total, double q) {
        double rank = q * total;
        double lower = 0;
        double below = 0;
        for (int i = 0; i < buckets.length; i++) {
            double upper = buckets[i].bucket(TimeUnit.MILLISECONDS);
            double count = buckets[i].count();
            if (count >= rank && count > below) {
                if (i == buckets.length - 1) {
                    return lower;
                }
                return lower + (upper - lower) * (rank - below) / (count - below);
            }
            lower = upper;
            below = count;
        }
        return lower;
    }
}

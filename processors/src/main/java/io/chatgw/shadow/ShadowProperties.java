package io.chatgw.shadow;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Knobs of shadow traffic ({@code gateway.shadow.*}; docs/shadow.md, docs/configuration.md). What is sampled and where
 * it goes is the policy model's (shadow_percent / shadow_path per scope); these bound what a shadow may cost.
 */
@ConfigurationProperties("gateway.shadow")
public record ShadowProperties(
        /** false: nothing is sampled, whatever the policies say. */
        @DefaultValue("true") boolean enabled,
        /** Share (0-1) of the samples that run the primary path a second time instead (the noise floor). */
        @DefaultValue("0.1") double noiseShare,
        /** Threads that start shadow runs (a thread is held until the shadow's first event, as for a primary). */
        @DefaultValue("8") int threads,
        /** Shadow runs waiting for a thread; beyond, a sample is skipped ({@code pool_full}). */
        @DefaultValue("64") int queue,
        /** Shadow runs in flight at once (from admission to the comparison stored); beyond: {@code concurrency}. */
        @DefaultValue("64") int maxConcurrent,
        /** A shadow run's own limit, start to end; then it is cancelled and fails with {@code shadow_timeout}. */
        @DefaultValue("120s") Duration timeout,
        /** Longest a finished shadow waits for its primary to end before the pair is given up (not compared). */
        @DefaultValue("10m") Duration primaryWait,
        /** Shadow runs started in any 60 s at most; beyond, a sample is skipped ({@code cost_cap}). */
        @DefaultValue("600") int runsPerMinute,
        /** Tokens (in + out) shadow runs may report in any 60 s; once reached, samples are skipped ({@code cost_cap}). */
        @DefaultValue("500000") long tokensPerMinute,
        /** A pair diverges in {@code text_normalized} when the normalized texts' similarity is below this (0-1). */
        @DefaultValue("0.8") double textSimilarityThreshold,
        /** Events kept per side of a stored comparison (the rest is counted, not stored). */
        @DefaultValue("200") int storedEvents,
        /** Characters of each side's final text kept in a stored comparison. */
        @DefaultValue("4000") int storedTextChars,
        /** How often the skipped-sample counts are added to shadow_skips (a timer in routes/shadow.yaml). */
        @DefaultValue("10s") Duration skipsFlushInterval,
        /**
         * Event loops of the shadows' own Vert.x ({@link ShadowEventLoops}): their upstream HTTP clients, streams and
         * timers, never on the primaries' loops.
         */
        @DefaultValue("1") int eventLoops,
        /**
         * Above this share (0-1) of the machine's CPU in use over the last sample, samples are skipped
         * ({@code cpu_busy}): shadows are the first work to go when the primaries need the cores. 1: never.
         */
        @DefaultValue("0.75") double maxCpuLoad,
        /** How often the machine's CPU load is read ({@link MachineCpuLoad}). */
        @DefaultValue("1s") Duration cpuSampleInterval) {

    public ShadowProperties {
        if (noiseShare < 0 || noiseShare > 1) {
            throw new IllegalArgumentException("gateway.shadow.noise-share must be between 0 and 1");
        }
        if (textSimilarityThreshold < 0 || textSimilarityThreshold > 1) {
            throw new IllegalArgumentException("gateway.shadow.text-similarity-threshold must be between 0 and 1");
        }
        if (maxCpuLoad <= 0 || maxCpuLoad > 1) {
            throw new IllegalArgumentException("gateway.shadow.max-cpu-load must be above 0 and at most 1");
        }
        if (threads < 1 || queue < 1 || maxConcurrent < 1 || runsPerMinute < 1 || tokensPerMinute < 1
                || storedEvents < 1 || storedTextChars < 1 || eventLoops < 1) {
            throw new IllegalArgumentException("gateway.shadow.threads, queue, max-concurrent, runs-per-minute, "
                    + "tokens-per-minute, stored-events, stored-text-chars and event-loops must be at least 1");
        }
        if (timeout.isNegative() || timeout.isZero() || primaryWait.isNegative() || primaryWait.isZero()
                || cpuSampleInterval.isNegative() || cpuSampleInterval.isZero()) {
            throw new IllegalArgumentException("gateway.shadow.timeout, primary-wait and cpu-sample-interval must be positive");
        }
    }
}

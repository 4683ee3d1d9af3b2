package io.chatgw.http;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Comment lines on an idle SSE stream, so proxies and clients see it alive: a stream is never silent for
 * longer than the interval. Silence is checked four times per interval and a comment goes out once it
 * reached three quarters of it, so the longest silence is between 0.75 and 1 interval.
 */
final class KeepAlive {

    private KeepAlive() {
    }

    /** {@code data} with {@code comment}s merged in whenever it has been quiet; ends when {@code data} ends. */
    static <T> Flux<T> around(Flux<T> data, Duration interval, Supplier<T> comment) {
        Duration tick = interval.dividedBy(4).isZero() ? Duration.ofMillis(1) : interval.dividedBy(4);
        long quietEnough = interval.minus(tick).toNanos();
        AtomicLong lastWrite = new AtomicLong(System.nanoTime());
        Sinks.One<Boolean> ended = Sinks.one();
        Flux<T> body = data
                .doOnNext(item -> lastWrite.set(System.nanoTime()))
                .doFinally(signal -> ended.tryEmitValue(true));
        Flux<T> comments = Flux.interval(tick, tick)
                .filter(n -> System.nanoTime() - lastWrite.get() >= quietEnough)
                .map(n -> {
                    lastWrite.set(System.nanoTime());
                    return comment.get();
                })
                .takeUntilOther(ended.asMono());
        return Flux.merge(body, comments);
    }
}

package io.chatgw.plane.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The flood limits' rule: at most max events within the window, by event time, whatever comes in between. */
class RateWindowTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void maxEventsAtOnceAreAllowedAndOneMoreIsTooMany() {
        RateWindow window = new RateWindow(20, Duration.ofSeconds(60));
        long now = 5 * SECOND;
        for (int i = 0; i < 20; i++) {
            assertThat(window.exceeded(now)).as("event %d", i + 1).isFalse();
        }
        assertThat(window.exceeded(now)).isTrue();
    }

    @Test
    void eventsSpreadOverTheWindowAreCountedTogetherNotInARow() {
        RateWindow window = new RateWindow(20, Duration.ofSeconds(60));
        long t = 0;
        for (int i = 0; i < 20; i++) { // one bad frame a second: 20 within 20 s (good frames between do not matter)
            assertThat(window.exceeded(t)).isFalse();
            t += SECOND;
        }
        assertThat(window.exceeded(t)).as("the 21st within the window").isTrue();
        assertThat(window.exceeded(60 * SECOND)).as("the first one left the window").isFalse();
    }

    @Test
    void aSenderSlowerThanTheWindowAllowsIsNeverOver() {
        RateWindow window = new RateWindow(20, Duration.ofSeconds(60));
        for (long t = 0; t < 3600 * SECOND; t += 3 * SECOND) { // 20 per 60 s exactly, for an hour
            assertThat(window.exceeded(t)).isFalse();
        }
    }

    @Test
    void afterAFloodTheAllowanceComesBackWithTime() {
        RateWindow window = new RateWindow(500, Duration.ofSeconds(1));
        for (int i = 0; i < 500; i++) {
            window.exceeded(0);
        }
        assertThat(window.exceeded(0)).isTrue();
        assertThat(window.exceeded(SECOND / 2)).as("half a second later, all 500 still within the second").isTrue();
        assertThat(window.exceeded(SECOND)).as("a second later: room again").isFalse();
    }

    @Test
    void aWindowNeedsAPositiveMaxAndDuration() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RateWindow(0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RateWindow(5, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

package io.chatgw.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Verified JWTs kept until they expire ({@link VerifiedTokens}, {@code gateway.auth.verified-token-cache-size}): a
 * kept token skips the signature check, and is answered exactly as a fresh verification would answer it: never past
 * its {@code exp} (plus the clock skew), never for a token that did not verify, never for another secret.
 */
class VerifiedTokensTest {

    private static final String SECRET = "verified-tokens-test-secret-0123456789-abcdef";

    /** A clock the test moves; the verifier, its claims check and its cache all read it. */
    private static final class TestClock extends Clock {
        private Instant now = Instant.parse("2026-12-01T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final TestClock clock = new TestClock();

    private JwtVerifier verifier(int cacheSize, Duration skew) {
        return new JwtVerifier(SECRET, skew, cacheSize, clock);
    }

    @Test
    void aTokenVerifiedOnceIsAnsweredFromTheCacheWithTheSameClaims() {
        JwtVerifier jwt = verifier(100, Duration.ofSeconds(30));
        String token = jwt.issue("u-1", "org-1", List.of("admin"), Duration.ofMinutes(5), Map.of());

        JwtVerifier.Claims first = jwt.verify(token);
        assertThat(jwt.cachedTokens()).isEqualTo(1);
        JwtVerifier.Claims second = jwt.verify(token);
        assertThat(second).as("not parsed again").isSameAs(first);
        assertThat(second.subject()).isEqualTo("u-1");
        assertThat(second.org()).isEqualTo("org-1");
        assertThat(second.roles()).containsExactly("admin");
    }

    @Test
    void aKeptTokenIsRejectedOnceItsExpPlusTheClockSkewHasPassed() {
        JwtVerifier jwt = verifier(100, Duration.ofSeconds(10));
        String token = jwt.issue("u-1", "org-1", List.of(), Duration.ofSeconds(60), Map.of());
        jwt.verify(token);

        clock.advance(Duration.ofSeconds(69)); // exp + 9 s: within the skew, accepted as a fresh check would
        assertThat(jwt.verify(token).subject()).isEqualTo("u-1");
        clock.advance(Duration.ofSeconds(2));  // exp + 11 s
        assertThatThrownBy(() -> jwt.verify(token)).isInstanceOf(JwtVerifier.JwtRejected.class)
                .hasMessage("token expired");
        assertThat(jwt.cachedTokens()).as("dropped").isZero();
        assertThatThrownBy(() -> jwt.verify(token)).hasMessage("token expired");
    }

    @Test
    void aTokenWithABadSignatureIsNeverKeptNorAcceptedBesideTheGoodOne() {
        JwtVerifier jwt = verifier(100, Duration.ofSeconds(30));
        String good = jwt.issue("u-1", "org-1", List.of(), Duration.ofMinutes(5), Map.of());
        jwt.verify(good);
        // the same header and claims with another signature: a different key in the cache, verified and refused
        String forged = good.substring(0, good.lastIndexOf('.') + 1)
                + new JwtVerifier("another-secret-another-secret-another-secret", Duration.ZERO)
                        .issue("u-1", "org-1", List.of(), Duration.ofMinutes(5), Map.of())
                        .substring(good.lastIndexOf('.') + 1);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> jwt.verify(forged)).isInstanceOf(JwtVerifier.JwtRejected.class);
        }
        assertThatThrownBy(() -> jwt.verify(good + "x")).isInstanceOf(JwtVerifier.JwtRejected.class);
        assertThat(jwt.cachedTokens()).as("only the good one").isEqualTo(1);
    }

    @Test
    void aTokenRefusedForItsClaimsIsNotKeptAndIsRefusedAgainLater() {
        JwtVerifier jwt = verifier(100, Duration.ofSeconds(5));
        // issued a minute ahead of the verifier's clock: iat beyond the skew, refused now
        clock.advance(Duration.ofMinutes(1));
        String early = jwt.issue("u-1", "org-1", List.of(), Duration.ofMinutes(10), Map.of());
        clock.advance(Duration.ofMinutes(-1));
        assertThatThrownBy(() -> jwt.verify(early)).hasMessageContaining("issued in the future");
        assertThat(jwt.cachedTokens()).isZero();
        // once its iat has come, it verifies on its own merits (nothing remembered of the refusal either way)
        clock.advance(Duration.ofMinutes(1));
        assertThat(jwt.verify(early).subject()).isEqualTo("u-1");
    }

    @Test
    void theCacheKeepsNoMoreTokensThanItsSizeAndEvictedOnesStillVerify() {
        JwtVerifier jwt = verifier(3, Duration.ofSeconds(30));
        List<String> tokens = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String token = jwt.issue("u-" + i, "org-1", List.of(), Duration.ofMinutes(5), Map.of());
            tokens.add(token);
            jwt.verify(token);
        }
        assertThat(jwt.cachedTokens()).isLessThanOrEqualTo(3);
        for (int i = 0; i < tokens.size(); i++) {
            assertThat(jwt.verify(tokens.get(i)).subject()).isEqualTo("u-" + i);
        }
        assertThat(jwt.cachedTokens()).isLessThanOrEqualTo(3);
    }

    @Test
    void aTokenKeptByOneVerifierIsRefusedByAVerifierWithAnotherSecret() {
        JwtVerifier old = verifier(100, Duration.ofSeconds(30));
        String token = old.issue("u-1", "org-1", List.of(), Duration.ofMinutes(5), Map.of());
        old.verify(token);
        // a changed secret is a new verifier (the secret is fixed for a verifier's life): nothing carries over
        JwtVerifier rotated = new JwtVerifier("the-new-secret-the-new-secret-the-new-secret", Duration.ofSeconds(30), 100, clock);
        assertThatThrownBy(() -> rotated.verify(token)).isInstanceOf(JwtVerifier.JwtRejected.class)
                .hasMessageContaining("signature");
        assertThat(rotated.cachedTokens()).isZero();
    }

    @Test
    void aCacheSizeOfZeroKeepsNothing() {
        JwtVerifier jwt = verifier(0, Duration.ofSeconds(30));
        String token = jwt.issue("u-1", "org-1", List.of(), Duration.ofMinutes(5), Map.of());
        JwtVerifier.Claims first = jwt.verify(token);
        assertThat(jwt.verify(token)).isNotSameAs(first).isEqualTo(first);
        assertThat(jwt.cachedTokens()).isZero();
    }
}

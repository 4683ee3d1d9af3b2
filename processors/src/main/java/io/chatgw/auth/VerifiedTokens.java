package io.chatgw.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The JWTs a {@link JwtVerifier} verified, kept so that a client's next requests with the same token skip the
 * signature check and the JSON parse ({@code gateway.auth.verified-token-cache-size} tokens at most; 0: none kept).
 * Keyed by the whole token string, so a token that differs in any byte, its signature included, is not a hit. Only
 * tokens that verified are put. An entry lives while its verifier would still accept the token, until {@code exp}
 * plus the clock skew, never longer: a hit found past that is dropped and rejected as expired. The secret a
 * verifier checks with is fixed for its life (there is no key rotation or JWT revocation list: a new secret is a new
 * verifier, with an empty cache).
 */
final class VerifiedTokens {

    private record Entry(JwtVerifier.Claims claims, Instant validUntil) {
    }

    private final Clock clock;
    /** null when the cache is off (size 0). */
    private final Cache<String, Entry> cache;

    VerifiedTokens(int maxSize, Clock clock) {
        if (maxSize < 0) {
            throw new IllegalArgumentException("gateway.auth.verified-token-cache-size must be 0 (off) or more");
        }
        this.clock = clock;
        this.cache = maxSize == 0 ? null : Caffeine.newBuilder()
                .maximumSize(maxSize)
                .executor(Runnable::run) // eviction on the caller's thread, a bounded amount per call: no pool of its own
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfter(Expiry.creating((String token, Entry entry) ->
                        positive(Duration.between(clock.instant(), entry.validUntil()))))
                .build();
    }

    /**
     * The claims of {@code token} if it verified before and is still valid, else null (verify it).
     * @throws JwtVerifier.JwtRejected if it was kept and has expired since
     */
    JwtVerifier.Claims get(String token) {
        if (cache == null) {
            return null;
        }
        Entry entry = cache.getIfPresent(token);
        if (entry == null) {
            return null;
        }
        if (!clock.instant().isBefore(entry.validUntil())) {
            cache.invalidate(token);
            throw new JwtVerifier.JwtRejected("token expired");
        }
        return entry.claims();
    }

    /** Keeps a token that just verified, until {@code validUntil} ({@code exp} plus the clock skew). */
    void put(String token, JwtVerifier.Claims claims, Instant validUntil) {
        if (cache != null && clock.instant().isBefore(validUntil)) {
            cache.put(token, new Entry(claims, validUntil));
        }
    }

    /** How many tokens are kept now (after evicting what is over the bound or expired). */
    long size() {
        if (cache == null) {
            return 0;
        }
        cache.cleanUp();
        return cache.estimatedSize();
    }

    private static Duration positive(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}

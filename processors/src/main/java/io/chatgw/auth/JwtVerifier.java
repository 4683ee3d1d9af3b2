package io.chatgw.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies and issues HS256 JWTs with nimbus-jose-jwt. Requires {@code sub} (a JSON string: a number is refused)
 * and {@code exp}; refuses {@code exp}/{@code nbf} beyond the clock skew, an {@code iat} more than the clock skew in
 * the future, and any other algorithm (including {@code none}). A token that verified is kept until it expires
 * ({@link VerifiedTokens}): the same token again is not parsed or checked a second time.
 */
public final class JwtVerifier {

    /** The verified claims the gateway uses. */
    public record Claims(String subject, String org, Set<String> roles, Map<String, Object> all) {
    }

    private final DefaultJWTProcessor<SecurityContext> processor;
    private final byte[] secret;
    private final Duration clockSkew;
    private final Clock clock;
    private final VerifiedTokens verified;

    /** A verifier that keeps no verified tokens. */
    public JwtVerifier(String secret, Duration clockSkew) {
        this(secret, clockSkew, 0);
    }

    /** @param cachedTokens verified tokens kept until they expire ({@code gateway.auth.verified-token-cache-size}; 0: none) */
    public JwtVerifier(String secret, Duration clockSkew, int cachedTokens) {
        this(secret, clockSkew, cachedTokens, Clock.systemUTC());
    }

    JwtVerifier(String secret, Duration clockSkew, int cachedTokens, Clock clock) {
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("gateway.auth.jwt-secret must be at least 32 bytes for HS256");
        }
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.clockSkew = clockSkew;
        this.clock = clock;
        this.verified = new VerifiedTokens(cachedTokens, clock);
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(this.secret)));
        DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier =
                new DefaultJWTClaimsVerifier<>(null, null, Set.of("sub", "exp")) {
                    @Override
                    protected Date currentTime() {
                        return Date.from(clock.instant());
                    }
                };
        claimsVerifier.setMaxClockSkew((int) clockSkew.toSeconds());
        processor.setJWTClaimsSetVerifier(claimsVerifier);
    }

    /** @throws JwtRejected with a message fit for the client when the token is not acceptable */
    public Claims verify(String token) {
        Claims kept = verified.get(token);
        if (kept != null) {
            return kept;
        }
        try {
            SignedJWT signed = SignedJWT.parse(token);
            JWTClaimsSet claims = processor.process(signed, null);
            if (!(signed.getPayload().toJSONObject().get("sub") instanceof String)) {
                throw new JwtRejected("token subject must be a string"); // nimbus would turn 123 into "123"
            }
            Date issued = claims.getIssueTime();
            if (issued != null && issued.toInstant().isAfter(clock.instant().plus(clockSkew))) {
                throw new JwtRejected("token issued in the future (iat beyond the allowed clock skew)");
            }
            Claims verifiedClaims = new Claims(claims.getSubject(), claims.getStringClaim("org"), roles(claims),
                    claims.getClaims());
            // accepted until exp + skew, as the claims verifier does (exp is required: never null here)
            verified.put(token, verifiedClaims, claims.getExpirationTime().toInstant().plusSeconds(clockSkew.toSeconds()));
            return verifiedClaims;
        } catch (ParseException e) {
            throw new JwtRejected("malformed token");
        } catch (BadJOSEException e) {
            String msg = e.getMessage() == null ? "" : e.getMessage();
            throw new JwtRejected(msg.toLowerCase().contains("expired") ? "token expired" : "invalid token: " + msg);
        } catch (JOSEException e) {
            throw new JwtRejected("invalid token signature");
        }
    }

    /** Issues a token (dev token endpoint, tests, later the VM tokens). */
    public String issue(String subject, String org, List<String> roles, Duration ttl, Map<String, Object> extraClaims) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .claim("roles", roles);
        if (org != null) {
            claims.claim("org", org);
        }
        extraClaims.forEach(claims::claim);
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign token", e);
        }
    }

    /** How many verified tokens are kept now. */
    long cachedTokens() {
        return verified.size();
    }

    private static Set<String> roles(JWTClaimsSet claims) throws ParseException {
        Object raw = claims.getClaim("roles");
        Set<String> roles = new HashSet<>();
        if (raw instanceof List<?> list) {
            list.forEach(r -> roles.add(String.valueOf(r)));
        } else if (raw instanceof String s) {
            for (String r : s.split("[ ,]+")) {
                if (!r.isBlank()) {
                    roles.add(r);
                }
            }
        }
        return Set.copyOf(roles);
    }

    /** A token that does not verify. */
    public static final class JwtRejected extends RuntimeException {
        public JwtRejected(String message) {
            super(message);
        }
    }
}

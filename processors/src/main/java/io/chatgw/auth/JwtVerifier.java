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
 * the future, and any other algorithm (including {@code none}).
 */
public final class JwtVerifier {

    /** The verified claims the gateway uses. */
    public record Claims(String subject, String org, Set<String> roles, Map<String, Object> all) {
    }

    private final DefaultJWTProcessor<SecurityContext> processor;
    private final byte[] secret;
    private final Duration clockSkew;

    public JwtVerifier(String secret, Duration clockSkew) {
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("gateway.auth.jwt-secret must be at least 32 bytes for HS256");
        }
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.clockSkew = clockSkew;
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(this.secret)));
        DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier =
                new DefaultJWTClaimsVerifier<>(null, null, Set.of("sub", "exp"));
        claimsVerifier.setMaxClockSkew((int) clockSkew.toSeconds());
        processor.setJWTClaimsSetVerifier(claimsVerifier);
    }

    /** @throws JwtRejected with a message fit for the client when the token is not acceptable */
    public Claims verify(String token) {
        try {
            SignedJWT signed = SignedJWT.parse(token);
            JWTClaimsSet claims = processor.process(signed, null);
            if (!(signed.getPayload().toJSONObject().get("sub") instanceof String)) {
                throw new JwtRejected("token subject must be a string"); // nimbus would turn 123 into "123"
            }
            Date issued = claims.getIssueTime();
            if (issued != null && issued.toInstant().isAfter(Instant.now().plus(clockSkew))) {
                throw new JwtRejected("token issued in the future (iat beyond the allowed clock skew)");
            }
            return new Claims(claims.getSubject(), claims.getStringClaim("org"), roles(claims), claims.getClaims());
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
        Instant now = Instant.now();
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

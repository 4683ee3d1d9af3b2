package io.chatgw.plane.socket;

import io.chatgw.plane.PlaneProperties;
import io.chatgw.auth.JwtVerifier;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** VM tokens: short-lived JWTs that let one plane of one user dial in (claims sub, org, vm_id, roles [vm]). */
@Component
public class VmTokens {

    /** What a verified VM token says. */
    public record VmIdentity(String userId, String orgId, String vmId) {
    }

    private final JwtVerifier jwt;
    private final PlaneProperties config;

    public VmTokens(JwtVerifier jwt, PlaneProperties config) {
        this.jwt = jwt;
        this.config = config;
    }

    public static String newVmId() {
        return "vm-" + UUID.randomUUID();
    }

    /**
     * The vm_id of a user's plane, whoever runs it (a launcher, or the user: {@code POST /api/v1/vm-tokens}): the
     * same every time, so a replacement plane is the same plane to the gateway and resumes its turns.
     */
    public static String vmIdOf(String userId) {
        return "vm-" + userId;
    }

    public String issue(String userId, String orgId, String vmId) {
        return jwt.issue(userId, orgId, List.of("vm"), config.tokenTtl(), Map.of("vm_id", vmId));
    }

    /** @throws JwtVerifier.JwtRejected with the reason the plane is told on close */
    public VmIdentity verify(String token) {
        if (token == null || token.isBlank()) {
            throw new JwtVerifier.JwtRejected("missing VM token");
        }
        JwtVerifier.Claims claims = jwt.verify(token);
        if (!claims.roles().contains("vm")) {
            throw new JwtVerifier.JwtRejected("token is not a VM token (role vm missing)");
        }
        Object vmId = claims.all().get("vm_id");
        if (!(vmId instanceof String s) || s.isBlank()) {
            throw new JwtVerifier.JwtRejected("VM token has no vm_id");
        }
        if (claims.org() == null) {
            throw new JwtVerifier.JwtRejected("VM token has no org");
        }
        return new VmIdentity(claims.subject(), claims.org(), s);
    }
}

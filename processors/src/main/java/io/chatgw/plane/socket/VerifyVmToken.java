package io.chatgw.plane.socket;

import io.chatgw.auth.CallerDirectory;
import io.chatgw.auth.JwtVerifier;
import io.vertx.core.http.ServerWebSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * A new /ws/vm connection's VM token, from {@code Authorization: Bearer} or {@code ?token=}: verified
 * (signature, expiry, role vm, vm_id, org). Puts the identity in property {@code planeIdentity} and its
 * vm_id in header {@code vmId}; otherwise {@link PlaneConnectionRejected} with the reason.
 */
@Component("verifyVmToken")
public class VerifyVmToken implements Processor {

    public static final String IDENTITY = "planeIdentity";

    private final VmTokens tokens;
    private final CallerDirectory directory;

    public VerifyVmToken(VmTokens tokens, CallerDirectory directory) {
        this.tokens = tokens;
        this.directory = directory;
    }

    @Override
    public void process(Exchange exchange) {
        ServerWebSocket socket = exchange.getProperty(PlaneConnection.CONNECTION, PlaneConnection.class).socket();
        VmTokens.VmIdentity identity;
        try {
            identity = tokens.verify(tokenOf(socket));
        } catch (JwtVerifier.JwtRejected e) {
            throw new PlaneConnectionRejected(e.getMessage());
        }
        // signed by the gateway's secret, but its claims are checked against the user on record: a token minted
        // elsewhere with that secret (the dev endpoint, an identity provider) must not attach a plane to another org
        String org = directory.orgOf(identity.userId()).orElseThrow(() ->
                new PlaneConnectionRejected("VM token names a user the gateway does not know"));
        if (!org.equals(identity.orgId())) {
            throw new PlaneConnectionRejected("VM token's org does not match its user's org");
        }
        exchange.setProperty(IDENTITY, identity);
        exchange.getIn().setHeader("vmId", identity.vmId());
    }

    private static String tokenOf(ServerWebSocket socket) {
        String header = socket.headers().get("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        String query = socket.query();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("token=")) {
                    return URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
                }
            }
        }
        return null;
    }
}

package io.chatgw.auth;

import io.chatgw.events.Audit;
import io.chatgw.events.AuditRateLimit;
import io.chatgw.events.EventRecorder;
import io.chatgw.events.EventsProperties;
import java.util.Map;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import io.chatgw.openai.ApiKeySecrets;
import io.chatgw.openai.ApiKeyStore;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Verifies the Bearer token and puts the {@link Caller} on the exchange; anything wrong is a 401. The token is
 * a user JWT, or an API key issued by the gateway ({@code sk-gw-...}, see {@link ApiKeyStore}), which acts as
 * the user it is bound to, with no roles. VM tokens (role {@code vm}, claim {@code vm_id}: io.chatgw.plane.socket.VmTokens)
 * are refused: they let a plane dial in, they do not act as its user.
 */
@Component("authenticateCaller")
public class AuthenticateCaller implements Processor {

    private static final String VM_ROLE = "vm";
    private static final String VM_ID_CLAIM = "vm_id";

    private final JwtVerifier verifier;
    private final CallerDirectory directory;
    private final ApiKeyStore apiKeys;
    private final EventRecorder events;
    private final AuditRateLimit auditLimit;

    public AuthenticateCaller(JwtVerifier verifier, CallerDirectory directory, ApiKeyStore apiKeys,
                              EventRecorder events, EventsProperties config) {
        this.verifier = verifier;
        this.directory = directory;
        this.apiKeys = apiKeys;
        this.events = events;
        this.auditLimit = new AuditRateLimit(config.authFailureAuditsPerMinute());
    }

    /** A 401 is audited ({@code auth.failed}: source address, reason), at most so many per source and minute. */
    @Override
    public void process(Exchange exchange) {
        try {
            authenticate(exchange);
        } catch (GatewayException e) {
            if (e.status() == 401) {
                String source = exchange.getIn().getHeader(ExchangeKeys.REMOTE_ADDRESS, String.class);
                if (auditLimit.allow(source)) {
                    events.record(Audit.of("anonymous", null, "auth.failed", Audit.clip(source, 255),
                            Map.of("code", e.code(), "reason", Audit.clip(String.valueOf(e.getMessage()), 200))));
                }
            }
            throw e;
        }
    }

    private void authenticate(Exchange exchange) {
        String header = exchange.getIn().getHeader(ExchangeKeys.HTTP_AUTHORIZATION, String.class);
        if (header == null || header.isBlank()) {
            throw GatewayException.unauthorized("missing Authorization header (expected: Bearer <token>)");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            throw GatewayException.unauthorized("Authorization header must be: Bearer <token>");
        }
        String token = header.substring(7).trim();
        if (ApiKeySecrets.isApiKey(token)) {
            ApiKeyStore.KeyOwner owner = apiKeys.authenticate(token).orElseThrow(() ->
                    new GatewayException(401, "invalid_api_key", "the API key is not valid (unknown or revoked)"));
            exchange.setProperty(ExchangeKeys.CALLER, directory.resolve(owner.userId(), owner.orgId(), Set.of()));
            exchange.setProperty(ExchangeKeys.CALLER_VIA_API_KEY, true);
            return;
        }
        JwtVerifier.Claims claims;
        try {
            claims = verifier.verify(token);
        } catch (JwtVerifier.JwtRejected e) {
            throw GatewayException.unauthorized(e.getMessage());
        }
        if (claims.roles().contains(VM_ROLE) || claims.all().containsKey(VM_ID_CLAIM)) {
            // signed with the same secret, but only good for a plane dialing in on /ws/vm
            throw GatewayException.unauthorized("a VM token is not a user token");
        }
        exchange.setProperty(ExchangeKeys.CALLER, directory.resolve(claims.subject(), claims.org(), claims.roles()));
    }
}

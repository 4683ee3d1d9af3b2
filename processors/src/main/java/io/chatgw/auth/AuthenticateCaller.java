package io.chatgw.auth;

import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** Verifies the Bearer JWT and puts the {@link Caller} on the exchange; anything wrong is a 401. */
@Component("authenticateCaller")
public class AuthenticateCaller implements Processor {

    private final JwtVerifier verifier;
    private final CallerDirectory directory;

    public AuthenticateCaller(JwtVerifier verifier, CallerDirectory directory) {
        this.verifier = verifier;
        this.directory = directory;
    }

    @Override
    public void process(Exchange exchange) {
        String header = exchange.getIn().getHeader(ExchangeKeys.HTTP_AUTHORIZATION, String.class);
        if (header == null || header.isBlank()) {
            throw GatewayException.unauthorized("missing Authorization header (expected: Bearer <token>)");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            throw GatewayException.unauthorized("Authorization header must be: Bearer <token>");
        }
        JwtVerifier.Claims claims;
        try {
            claims = verifier.verify(header.substring(7).trim());
        } catch (JwtVerifier.JwtRejected e) {
            throw GatewayException.unauthorized(e.getMessage());
        }
        exchange.setProperty(ExchangeKeys.CALLER, directory.resolve(claims.subject(), claims.org(), claims.roles()));
    }
}

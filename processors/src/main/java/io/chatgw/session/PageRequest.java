package io.chatgw.session;

import io.chatgw.core.GatewayException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.apache.camel.Exchange;

/**
 * A page asked for with {@code limit} and {@code cursor} (query parameters the HTTP layer hands over as headers).
 * A cursor is opaque to clients: a position (a time and an id) encoded as base64url. Bad values are a 400.
 */
public record PageRequest(int limit, Instant afterTime, UUID afterId) {

    public static final String LIMIT_HEADER = "limit";
    public static final String CURSOR_HEADER = "cursor";

    public static PageRequest of(Exchange exchange, int defaultLimit, int maxLimit) {
        String rawLimit = exchange.getIn().getHeader(LIMIT_HEADER, String.class);
        int limit = defaultLimit;
        if (rawLimit != null) {
            try {
                limit = Integer.parseInt(rawLimit.trim());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > maxLimit) {
                throw GatewayException.badRequest("invalid_limit", "limit must be an integer from 1 to " + maxLimit);
            }
        }
        String cursor = exchange.getIn().getHeader(CURSOR_HEADER, String.class);
        if (cursor == null || cursor.isBlank()) {
            return new PageRequest(limit, null, null);
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor.trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            long micros = Long.parseLong(decoded.substring(0, colon));
            UUID id = UUID.fromString(decoded.substring(colon + 1));
            return new PageRequest(limit, Instant.EPOCH.plusNanos(micros * 1_000), id);
        } catch (RuntimeException e) {
            throw GatewayException.badRequest("invalid_cursor", "cursor is not one this API returned");
        }
    }

    /** The cursor naming the position after {@code time}/{@code id}. */
    public static String cursor(Instant time, UUID id) {
        long micros = time.getEpochSecond() * 1_000_000 + time.getNano() / 1_000;
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((micros + ":" + id).getBytes(StandardCharsets.UTF_8));
    }
}

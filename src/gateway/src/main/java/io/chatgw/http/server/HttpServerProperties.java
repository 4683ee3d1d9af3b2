package io.chatgw.http.server;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits of the HTTP port ({@code gateway.http.*}, docs/configuration.md): how long a client may take to send a
 * request, how many connections one source address may hold, and the largest body read at all.
 *
 * @param headerTimeout            from a request's first byte to the end of its headers; past it the connection gets
 *                                 408 and is closed (slowloris)
 * @param bodyTimeout              from the end of the headers to the end of the body; past it 408 and closed
 * @param idleTimeout              a kept-alive connection with no request for this long is closed
 * @param maxConnectionsPerSource  open connections from one remote address; the next one gets 429 and is closed
 *                                 (0: no limit; behind a proxy that does not keep the client's address, raise it)
 * @param maxBodyBytes             no request body longer than this is read, whatever the endpoint (413); each API's own
 *                                 smaller limit ({@code gateway.chat.max-body-bytes}, ...) applies below it
 */
@ConfigurationProperties("gateway.http")
public record HttpServerProperties(
        @DefaultValue("10s") Duration headerTimeout,
        @DefaultValue("30s") Duration bodyTimeout,
        @DefaultValue("60s") Duration idleTimeout,
        @DefaultValue("256") int maxConnectionsPerSource,
        @DefaultValue("1048576") int maxBodyBytes) {
}

package io.chatgw.admin;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The admin API's knobs ({@code gateway.admin.*}); docs/configuration.md. */
@ConfigurationProperties("gateway.admin")
public record AdminProperties(
        /** How long stopping a route waits for its in-flight exchanges before it is forced. */
        @DefaultValue("10s") Duration routeStopTimeout) {
}

package io.chatgw.resilience;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Breakers and fallback of the paths ({@code gateway.resilience.*}); docs/resilience.md. */
@ConfigurationProperties("gateway.resilience")
public record ResilienceProperties(
        /** path -> the path that answers when it cannot ({@code none}: no fallback); see {@link FallbackTargets}. */
        @DefaultValue Map<String, String> fallbackTo) {
}

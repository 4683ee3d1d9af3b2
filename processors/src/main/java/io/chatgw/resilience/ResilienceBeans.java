package io.chatgw.resilience;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The paths' breakers and fallback targets, built from {@code gateway.resilience.*}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ResilienceProperties.class)
public class ResilienceBeans {

    @Bean
    FallbackTargets fallbackTargets(ResilienceProperties properties) {
        return new FallbackTargets(properties.fallbackTo());
    }
}

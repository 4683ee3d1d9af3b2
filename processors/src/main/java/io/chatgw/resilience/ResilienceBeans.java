package io.chatgw.resilience;

import io.chatgw.config.GatewayProperties;
import io.chatgw.core.ExecutionMode;
import io.chatgw.plane.PlaneProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The paths' breakers and fallback targets, built from {@code gateway.resilience.*}. The breaker beans are
 * what routes/paths.yaml's {@code circuitBreaker} EIPs refer to ({@code legacyBreaker}, ...).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ResilienceProperties.class)
public class ResilienceBeans {

    @Bean
    FallbackTargets fallbackTargets(ResilienceProperties properties) {
        return new FallbackTargets(properties.fallbackTo());
    }

    @Bean
    PathBreakers pathBreakers(ResilienceProperties properties, GatewayProperties gateway, PlaneProperties plane) {
        return new PathBreakers(properties.breakers(), Map.of(
                ExecutionMode.LEGACY, gateway.legacy().firstEventTimeout(),
                ExecutionMode.DIRECT_LLM, gateway.llm().firstEventTimeout(),
                ExecutionMode.NEW, plane.firstEventTimeout()));
    }

    /**
     * The breakers' registry, bound to the application's Micrometer registry (resilience4j_circuitbreaker_* on
     * /actuator/prometheus). camel-resilience4j-micrometer's own factory binds only breakers the EIP creates
     * itself; ours are beans the EIPs refer to, so they are bound here with its resilience4j-micrometer binder.
     */
    @Bean
    CircuitBreakerRegistry pathBreakerRegistry(PathBreakers breakers, MeterRegistry meters) {
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers.registry()).bindTo(meters);
        return breakers.registry();
    }

    @Bean
    CircuitBreaker legacyBreaker(PathBreakers breakers) {
        return breakers.of(ExecutionMode.LEGACY);
    }

    @Bean
    CircuitBreaker directLlmBreaker(PathBreakers breakers) {
        return breakers.of(ExecutionMode.DIRECT_LLM);
    }

    @Bean
    CircuitBreaker newBreaker(PathBreakers breakers) {
        return breakers.of(ExecutionMode.NEW);
    }
}

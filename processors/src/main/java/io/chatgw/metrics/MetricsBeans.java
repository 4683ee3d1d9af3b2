package io.chatgw.metrics;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The bounded tag values shared by the meters that carry an org, a model or an error code. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MetricsProperties.class)
public class MetricsBeans {

    /** HTTP methods with a series of their own in {@code http.server.requests}: any other method a client sends is {@code other}. */
    static final java.util.Set<String> HTTP_METHODS = java.util.Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
            "OPTIONS", "TRACE");

    /**
     * The HTTP server's request timers are tagged by method as the client spelled it (Spring keeps any token): only the
     * standard methods are tag values, so invented methods cannot create series.
     */
    @Bean
    io.micrometer.core.instrument.config.MeterFilter boundedHttpMethods() {
        return new io.micrometer.core.instrument.config.MeterFilter() {
            @Override
            public io.micrometer.core.instrument.Meter.Id map(io.micrometer.core.instrument.Meter.Id id) {
                String method = id.getTag("method");
                if (method == null || HTTP_METHODS.contains(method) || !id.getName().startsWith("http.server.requests")) {
                    return id;
                }
                return id.replaceTags(io.micrometer.core.instrument.Tags.of(id.getTagsAsIterable())
                        .and("method", BoundedTagValues.OTHER));
            }
        };
    }

    @Bean
    MetricTags metricTags(MetricsProperties config) {
        return new MetricTags(new BoundedTagValues(config.maxOrgTags()), new BoundedTagValues(config.maxModelTags()),
                new BoundedTagValues(config.maxErrorCodeTags()));
    }
}

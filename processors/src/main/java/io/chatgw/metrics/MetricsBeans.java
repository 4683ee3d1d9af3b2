package io.chatgw.metrics;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The bounded tag values shared by the meters that carry an org, a model or an error code. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MetricsProperties.class)
public class MetricsBeans {

    @Bean
    MetricTags metricTags(MetricsProperties config) {
        return new MetricTags(new BoundedTagValues(config.maxOrgTags()), new BoundedTagValues(config.maxModelTags()),
                new BoundedTagValues(config.maxErrorCodeTags()));
    }
}

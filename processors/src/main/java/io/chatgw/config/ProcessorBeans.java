package io.chatgw.config;

import io.chatgw.auth.JwtVerifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans the processors share that are built from configuration. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GatewayProperties.class)
public class ProcessorBeans {

    @Bean
    JwtVerifier jwtVerifier(GatewayProperties properties) {
        return new JwtVerifier(properties.auth().jwtSecret(), properties.auth().clockSkew(),
                properties.auth().verifiedTokenCacheSize());
    }
}

package io.chatgw;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The chat gateway. Flows live in routes/*.yaml (reloaded on change), the Java they call in processors/,
 * configuration in config/. With no external PostgreSQL / Kafka / runtime / LLM configured, it starts
 * embedded ones itself (see {@link io.chatgw.embedded.StartEmbeddedInfrastructure}).
 */
@SpringBootApplication
@EnableScheduling
public class GatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(GatewayApplication.class, args);
    }
}

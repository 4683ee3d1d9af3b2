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
        try {
            SpringApplication.run(GatewayApplication.class, args);
        } catch (RuntimeException | Error startFailed) {
            // Spring has logged why and closed the context; the exit runs the shutdown handlers (the embedded
            // PostgreSQL and Kafka), whose threads would otherwise keep a gateway that cannot serve alive, unnoticed
            System.exit(1);
        }
    }
}

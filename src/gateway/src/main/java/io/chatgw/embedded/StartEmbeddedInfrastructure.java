package io.chatgw.embedded;

import io.chatgw.runtime.RuntimeOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;

/**
 * Embedded defaults: for each of PostgreSQL ({@code spring.datasource.url}), Kafka
 * ({@code camel.component.kafka.brokers}), the LLM ({@code gateway.llm.base-url}) and the legacy runtime
 * ({@code gateway.legacy.base-url}) that is not configured, start a real embedded one and point the
 * gateway at it. Pointing the gateway at external services is configuration only: set those properties.
 * {@code gateway.embedded.enabled=false} turns all of this off (then all four must be configured).
 */
public class StartEmbeddedInfrastructure implements EnvironmentPostProcessor, Ordered {

    private static final AtomicBoolean SHUTDOWN_REGISTERED = new AtomicBoolean();

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 1;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (!env.getProperty("gateway.embedded.enabled", Boolean.class, true)) {
            return;
        }
        EmbeddedInfrastructure infra = EmbeddedInfrastructure.shared();
        Map<String, Object> props = new LinkedHashMap<>();
        if (blank(env, "spring.datasource.url")) {
            props.put("spring.datasource.url", infra.postgresJdbcUrl());
            props.put("spring.datasource.username", "postgres");
            props.put("spring.datasource.password", "postgres");
        }
        if (blank(env, "camel.component.kafka.brokers")) {
            props.put("camel.component.kafka.brokers", infra.kafkaBrokers());
        }
        String llm = env.getProperty("gateway.llm.base-url");
        if (llm == null || llm.isBlank()) {
            llm = infra.llmBaseUrl();
            props.put("gateway.llm.base-url", llm);
        }
        if (blank(env, "gateway.plane.mcp-url") && props.containsKey("gateway.llm.base-url")) {
            props.put("gateway.plane.mcp-url", llm + "/mcp"); // the stand-in also speaks MCP (JSON-RPC tools/call)
        }
        if (blank(env, "gateway.legacy.base-url")) {
            props.put("gateway.legacy.base-url", infra.legacyRuntimeBaseUrl(legacyRuntimeOptions(env, llm)));
        }
        if (!props.isEmpty()) {
            env.getPropertySources().addFirst(new MapPropertySource("embeddedInfrastructure", props));
            if (SHUTDOWN_REGISTERED.compareAndSet(false, true)) {
                // runs after every application context has closed, so nothing is using them any more
                SpringApplication.getShutdownHandlers().add(infra::stop);
            }
        }
    }

    /**
     * The embedded runtime calls the same LLM as the direct_llm path: base URL, {@code gateway.llm.api-key} and
     * {@code gateway.llm.model}, so pointing only the LLM at an external provider works for both paths.
     */
    static RuntimeOptions legacyRuntimeOptions(Environment env, String llmBaseUrl) {
        RuntimeOptions options = new RuntimeOptions().setLlmBaseUrl(llmBaseUrl);
        options.setLlmApiKey(env.getProperty("gateway.llm.api-key"));
        String model = env.getProperty("gateway.llm.model");
        if (model != null && !model.isBlank()) {
            options.setModel(model);
        }
        return options;
    }

    private static boolean blank(ConfigurableEnvironment env, String key) {
        String value = env.getProperty(key);
        return value == null || value.isBlank();
    }
}

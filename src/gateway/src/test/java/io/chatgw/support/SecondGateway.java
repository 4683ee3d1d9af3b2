package io.chatgw.support;

import io.chatgw.GatewayApplication;
import java.io.IOException;
import java.net.ServerSocket;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A second gateway instance in the same JVM, on its own ports, sharing the first one's PostgreSQL (and Kafka,
 * stand-ins): what two replicas behind a load balancer look like to the database.
 */
public final class SecondGateway implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    public SecondGateway(String datasourceUrl) throws IOException {
        this(datasourceUrl, freePort(), java.util.List.of(), java.util.Map.of());
    }

    /**
     * With a given execution-plane port (a restarted gateway's planes dial the same one), extra profiles and
     * properties.
     */
    public SecondGateway(String datasourceUrl, int planePort, java.util.List<String> profiles,
                         java.util.Map<String, String> properties) throws IOException {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("dev", "test"));
        all.addAll(profiles);
        java.util.Map<String, String> all2 = new java.util.LinkedHashMap<>(properties);
        all2.put("server.port", "0");
        all2.put("gateway.plane.port", String.valueOf(planePort));
        all2.put("spring.datasource.url", datasourceUrl);
        all2.put("spring.datasource.username", "postgres");
        all2.put("spring.datasource.password", "postgres");
        all2.put("camel.main.name", "chat-gateway-2");
        all2.put("camel.main.jmx-enabled", "false");
        // a spool of its own: the default one may be locked by any other gateway on the machine
        all2.put("gateway.events.spool.dir", java.nio.file.Files.createTempDirectory("chatgw-events-2-").toString());
        // as command-line arguments: above the config files (default properties would lose to them)
        context = new SpringApplicationBuilder(GatewayApplication.class)
                .profiles(all.toArray(String[]::new))
                .run(all2.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public int port() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    @Override
    public void close() {
        context.close();
    }
}

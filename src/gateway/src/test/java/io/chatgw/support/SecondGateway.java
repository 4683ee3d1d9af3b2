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
        java.util.Properties extra = new java.util.Properties();
        extra.putAll(properties);
        context = new SpringApplicationBuilder(GatewayApplication.class)
                .profiles(all.toArray(String[]::new))
                .properties(extra)
                .properties("server.port=0", "gateway.plane.port=" + planePort,
                        "spring.datasource.url=" + datasourceUrl,
                        "spring.datasource.username=postgres", "spring.datasource.password=postgres",
                        "camel.main.name=chat-gateway-2", "camel.main.jmx-enabled=false",
                        // a spool of its own: the default one may be locked by any other gateway on the machine
                        "gateway.events.spool.dir=" + java.nio.file.Files.createTempDirectory("chatgw-events-2-"))
                .run();
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

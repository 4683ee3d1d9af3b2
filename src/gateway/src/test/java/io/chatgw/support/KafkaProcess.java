package io.chatgw.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real KRaft Kafka broker (broker and controller in one) in a process of its own, with its data in a directory
 * that outlives it: {@link #stop()} stops it for real (SIGTERM, as an operator would) and {@link #start()} starts
 * it again on the same port with the same log, so what it had acknowledged before is still there.
 */
public final class KafkaProcess implements AutoCloseable {

    private final Path dir;
    private final int port;
    private Process process;

    public KafkaProcess(int partitions) throws IOException, InterruptedException {
        dir = Files.createTempDirectory("kafka-proc-");
        port = freePort();
        int controller = freePort();
        Files.writeString(dir.resolve("server.properties"), String.join("\n",
                "process.roles=broker,controller", "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controller,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER", "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("log"), "num.partitions=" + partitions, "auto.create.topics.enable=true",
                "offsets.topic.replication.factor=1", "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1", "group.initial.rebalance.delay.ms=0",
                // the log cleaner's default 128 MiB buffer, allocated at start, left a 256 MiB heap short (OutOfMemoryError)
                "log.cleaner.dedupe.buffer.size=16777216", ""));
        Files.writeString(dir.resolve("logback.xml"), """
                <configuration><appender name="F" class="ch.qos.logback.core.FileAppender"><file>%s</file>
                <encoder><pattern>%%d %%-5level %%logger{30} %%msg%%n</pattern></encoder></appender>
                <root level="WARN"><appender-ref ref="F"/></root></configuration>
                """.formatted(dir.resolve("kafka.log")));
        Process format = command("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c",
                dir.resolve("server.properties").toString()).start();
        if (!format.waitFor(180, TimeUnit.SECONDS) || format.exitValue() != 0) {
            throw new IllegalStateException("kafka storage format failed: " + Files.readString(dir.resolve("out.log")));
        }
    }

    /** Starts the broker and waits until it answers (180 s at most: a loaded machine). */
    public KafkaProcess start() throws Exception {
        process = command("kafka.Kafka", dir.resolve("server.properties").toString()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return this;
                } catch (Exception notYet) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException("kafka did not start: " + Files.readString(dir.resolve("out.log")));
                    }
                    Thread.sleep(200);
                }
            }
        }
    }

    /** Stops the broker (SIGTERM, a controlled shutdown) and waits for the process to end. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        process = null;
    }

    public String brokers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private ProcessBuilder command(String mainClass, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-Dlogback.configurationFile=" + dir.resolve("logback.xml"),
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("out.log").toFile()));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

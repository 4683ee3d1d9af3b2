package io.chatgw.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The whole gateway in a process of its own ({@code io.chatgw.GatewayApplication}, profile dev, started from the
 * test's class path in the project directory, as {@code java -jar} would run it), pointed at the PostgreSQL and
 * Kafka a test gives it (the stand-in LLM and the reference runtime are its embedded ones). A test stops it as
 * an operator would ({@link #stop()}: SIGTERM) or kills it ({@link #kill()}: SIGKILL, kill -9).
 */
public final class GatewayProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path log;
    private final int port;

    private GatewayProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts a gateway with these properties (on top of its own ports); waits until it started (300 s at most). */
    public static GatewayProcess start(Map<String, String> properties) throws Exception {
        GatewayProcess gateway = launch(properties);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        // started = the application context refreshed (Camel's routes run); its health may still be DOWN (a sink
        // a test stopped on purpose), and the HTTP server answers before the routes run
        while (!Files.readString(gateway.log).contains("Started GatewayApplication")) {
            if (!gateway.process.isAlive() || System.nanoTime() > deadline) {
                gateway.process.destroyForcibly();
                throw new IllegalStateException("the gateway did not start; its log:\n" + gateway.logTail());
            }
            Thread.sleep(250);
        }
        return gateway;
    }

    /** Starts a gateway with these properties, not waiting for anything: for one that is not expected to start. */
    public static GatewayProcess launch(Map<String, String> properties) throws Exception {
        int port = KafkaProcess.freePort();
        Map<String, String> all = new LinkedHashMap<>();
        all.put("spring.profiles.active", "dev");
        all.put("server.port", String.valueOf(port));
        all.put("gateway.plane.port", String.valueOf(KafkaProcess.freePort()));
        all.put("camel.main.routes-reload-enabled", "false");
        all.put("camel.main.jmx-enabled", "false");
        all.put("gateway.plane.launcher", "local"); // not the dev profile's auto
        all.putAll(properties);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "io.chatgw.GatewayApplication"));
        all.forEach((k, v) -> command.add("--" + k + "=" + v));
        Path log = Files.createTempFile("gateway-proc-", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new GatewayProcess(process, log, port);
    }

    /** The processes it started (the embedded PostgreSQL's, say), as of now. */
    public List<ProcessHandle> descendants() {
        return process.descendants().toList();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits (at most {@code seconds}) for the process to end by itself; its exit code. */
    public int exitWithin(int seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the gateway was still running after " + seconds + " s; its log:\n" + logTail());
        }
        return process.exitValue();
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** A user token from the dev profile's token endpoint. */
    public String token(String user, String org) throws Exception {
        HttpResponse<String> r = new SseClient(port).send("GET", "/dev/token?sub=" + user + "&org=" + org, null, null, null);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("no dev token: " + r.statusCode() + " " + r.body());
        }
        return r.body().trim();
    }

    /** A new session of the token's user. */
    public String newSession(String token) throws Exception {
        HttpResponse<String> r = new SseClient(port).send("POST", "/api/v1/sessions", token, null, null);
        if (r.statusCode() != 201) {
            throw new IllegalStateException("no session: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body()).get("session_id").asText();
    }

    /** One turn read to its end; its events. */
    public List<SseClient.Event> chat(String token, String session, String message) throws Exception {
        try (SseClient.Stream s = new SseClient(port).post("/api/v1/sessions/" + session + "/messages", token,
                JSON.writeValueAsString(Map.of("message", message)))) {
            if (s.status() != 200) {
                throw new IllegalStateException("turn refused: " + s.status());
            }
            return s.all();
        }
    }

    /** SIGTERM, then waits (at most {@code seconds}) for the process to end; its exit code. */
    public int stop(int seconds) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the gateway did not stop within " + seconds + " s");
        }
        return process.exitValue();
    }

    /** SIGKILL (kill -9): no shutdown hook runs. Its exit code (137). */
    public int kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        return process.exitValue();
    }

    public String logText() throws IOException {
        return Files.readString(log);
    }

    public String logTail() {
        try {
            String text = Files.readString(log);
            return text.substring(Math.max(0, text.length() - 20_000));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}

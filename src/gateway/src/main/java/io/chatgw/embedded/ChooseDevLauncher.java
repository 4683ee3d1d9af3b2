package io.chatgw.embedded;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.logging.Log;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;

/**
 * {@code gateway.plane.launcher=auto} (profile dev, README command 1 only): the docker launcher when a Docker engine
 * answers on {@code gateway.plane.docker.host} and {@code docker/build-local-plane-image --if-stale} has the local
 * plane image and the plane's class archive (then {@code config/application-docker-local.yaml} applies, as with
 * profile docker-local); otherwise the local launcher. Says which in one log line. A configuration that names
 * {@code docker} is never changed: only {@code auto} is resolved here.
 */
public class ChooseDevLauncher implements EnvironmentPostProcessor, Ordered {

    static final String AUTO = "auto";
    private static final String IMAGE = "chatgw/execution-plane:local";

    private final Log log;

    public ChooseDevLauncher(DeferredLogFactory logs) {
        this.log = logs.getLog(ChooseDevLauncher.class);
    }

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 2;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (!AUTO.equals(env.getProperty("gateway.plane.launcher"))) {
            return;
        }
        String socket = env.getProperty("gateway.plane.docker.host", "/var/run/docker.sock");
        Path dockerLocal = Path.of("config", "application-docker-local.yaml");
        String why = !engineAnswers(socket) ? "no Docker engine answers on " + socket
                : !Files.exists(dockerLocal) ? dockerLocal + " is missing"
                : !Files.isDirectory(Path.of("src/runtime/target/plane-lib")) ? "the plane jar is not built"
                : !imageReady(buildTimeout(env)) ? "the local plane image could not be built (docker/build-local-plane-image)"
                : null;
        if (why == null) {
            try {
                List<PropertySource<?>> docker = new YamlPropertySourceLoader().load("dockerLauncher (auto)",
                        new FileSystemResource(dockerLocal));
                // below the command line and the environment, above the config files (as profile docker-local would be)
                String firstConfigFile = env.getPropertySources().stream().map(PropertySource::getName)
                        .filter(name -> name.startsWith("Config resource")).findFirst().orElse(null);
                for (PropertySource<?> source : docker) {
                    if (firstConfigFile == null) {
                        env.getPropertySources().addLast(source);
                    } else {
                        env.getPropertySources().addBefore(firstConfigFile, source);
                    }
                }
                env.getPropertySources().addFirst(new MapPropertySource("dockerLauncher (auto) choice",
                        Map.of("gateway.plane.launcher", "docker")));
                log.info("execution planes: docker launcher (gateway.plane.launcher=auto: an engine answers on " + socket
                        + ", image " + IMAGE + ")");
                return;
            } catch (IOException e) {
                why = "cannot read " + dockerLocal + ": " + e.getMessage();
            }
        }
        env.getPropertySources().addFirst(new MapPropertySource("localLauncher (auto)", Map.of("gateway.plane.launcher", "local")));
        log.info("execution planes: local launcher (gateway.plane.launcher=auto: " + why + ")");
    }

    /** {@code GET /_ping} on the engine's socket answers OK. */
    static boolean engineAnswers(String socket) {
        if (!Files.exists(Path.of(socket))) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer answer = ByteBuffer.allocate(512);
            channel.read(answer);
            return new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII).startsWith("HTTP/1.0 200")
                    || new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code gateway.plane.docker.image-build-timeout} (default 120 s): the longest the image check or build may take. */
    private static java.time.Duration buildTimeout(ConfigurableEnvironment env) {
        return org.springframework.boot.convert.DurationStyle.detectAndParse(
                env.getProperty("gateway.plane.docker.image-build-timeout", "120s"));
    }

    private static boolean imageReady(java.time.Duration timeout) {
        // the image if it is missing, the plane's class archive if it is older than the plane's jars
        return run(timeout, "docker/build-local-plane-image", "--if-stale", IMAGE);
    }

    private static boolean run(java.time.Duration timeout, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

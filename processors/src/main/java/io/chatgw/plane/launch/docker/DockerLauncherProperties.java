package io.chatgw.plane.launch.docker;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/** Knobs of {@code gateway.plane.launcher=docker} ({@code gateway.plane.docker.*}, docs/operations.md). */
@ConfigurationProperties("gateway.plane.docker")
public record DockerLauncherProperties(
        /** The engine's socket. */
        @DefaultValue("/var/run/docker.sock") String host,
        /** Docker API version the client speaks (docker-java 3.7 asks for 1.44 otherwise; Debian's engine 20.10 has 1.41). */
        @DefaultValue("1.41") String apiVersion,
        /** The plane image: every container is created from it as configured now (never an old container restarted). */
        @DefaultValue("chatgw/execution-plane:local") String image,
        /** This gateway deployment's name: a label of its containers, and their name prefix (adoption, orphans). */
        @DefaultValue("default") String deployment,
        @DefaultValue("512MB") DataSize memory,
        /** CPUs a plane container may use (fractions allowed). */
        @DefaultValue("1.0") double cpus,
        /** host here (no bridge network on these machines); bridge or a named network elsewhere. */
        @DefaultValue("host") String networkMode,
        /** Where the per-user named volume ({@code disk_id}) is mounted in the container: the plane's data dir. */
        @DefaultValue("/data") String dataDir,
        /** Extra binds (host:container[:ro]), e.g. the host's JDK for the local image (docker/build-local-plane-image). */
        List<String> binds,
        /** The container's command; empty = the image's. */
        List<String> command,
        /** The URL containers dial; empty = gateway.plane.public-url (host networking reaches 127.0.0.1). */
        String gatewayUrl,
        /** The LLM containers call; empty = gateway.llm.base-url. */
        String llmBaseUrl,
        /** A user's volume whose last plane ended longer ago than this is listed as past retention (never deleted). */
        @DefaultValue("30d") java.time.Duration volumeRetention,
        /** Started, unclaimed containers a new user's first message claims (docs/operations.md "Warm pool"); 0 = none. */
        @DefaultValue("0") int warmPoolSize,
        /** How long after a claim the pool starts its replacement: a JVM starting meanwhile would slow the claimed turn. */
        @DefaultValue("2s") java.time.Duration warmPoolRefillDelay,
        /** gateway.plane.launcher=auto (profile dev): the longest checking or building the local plane image may take. */
        @DefaultValue("120s") java.time.Duration imageBuildTimeout) {

    public DockerLauncherProperties {
        if (warmPoolSize < 0 || warmPoolSize > 100) {
            throw new IllegalArgumentException("gateway.plane.docker.warm-pool-size must be 0-100, was " + warmPoolSize);
        }
        if (warmPoolRefillDelay.isNegative()) {
            throw new IllegalArgumentException("gateway.plane.docker.warm-pool-refill-delay must not be negative");
        }
    }

    public List<String> bindsOrNone() {
        return binds == null ? List.of() : binds;
    }

    public List<String> commandOrImage() {
        return command == null ? List.of() : command;
    }
}

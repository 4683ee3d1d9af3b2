package io.chatgw.plane.launch.docker;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * What claiming a warm-pool container for a user does on the engine (body: {@link Claim}): the container is renamed to
 * the user's container name (its labels cannot change: it keeps {@code io.chatgw.pool}, and the user's
 * {@code user_vm_instances} row, which names the container, says whose it is), and the claim file
 * ({@code {"vm_id", "token", "gateway_url"}}) is copied into its data dir through the engine's archive API (docker cp;
 * camel-docker has no operation for either, so this goes through its client). Its plane reads the file within
 * {@code 20 ms}, deletes it and dials in as the user's plane.
 */
@Component("claimPoolContainer")
public class ClaimPoolContainer implements Processor {

    /** Claim {@code containerId} under {@code name}: {@code claimJson} goes to {@code dataDir}/claim.json. */
    public record Claim(String containerId, String name, String dataDir, String claimJson) {
    }

    static final String FILE = "claim.json";

    private final String host;

    public ClaimPoolContainer(@Value("${gateway.plane.docker.host:/var/run/docker.sock}") String host) {
        this.host = host;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        Claim claim = exchange.getIn().getBody(Claim.class);
        DockerClient client = CreatePlaneContainer.client(exchange.getContext(), host);
        client.renameContainerCmd(claim.containerId()).withName(claim.name()).exec();
        Path dir = Files.createTempDirectory("chatgw-claim-");
        try {
            Path file = dir.resolve(FILE);
            Files.writeString(file, claim.claimJson(), StandardCharsets.UTF_8);
            client.copyArchiveToContainerCmd(claim.containerId()).withHostResource(file.toString())
                    .withRemotePath(claim.dataDir()).exec();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.delete(p); // the token does not stay on the gateway's disk
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }
}

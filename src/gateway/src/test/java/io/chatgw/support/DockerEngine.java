package io.chatgw.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Docker engine, through its CLI, for the tests' own checks (what the gateway created, killing a container).
 * The engine must answer: .ci/run starts one where none does; a test never skips for want of it.
 */
public final class DockerEngine {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DockerEngine() {
    }

    public static void requireReachable() throws Exception {
        Result version = exec("docker", "version", "--format", "{{.Server.APIVersion}}");
        if (version.code != 0) {
            throw new AssertionError("no Docker engine answers on /var/run/docker.sock (.ci/run starts one): " + version.out);
        }
    }

    /** The local plane image and the plane's class archive (docker/build-local-plane-image), built if missing or stale. */
    public static void buildLocalPlaneImage() throws Exception {
        Result built = exec("docker/build-local-plane-image", "--if-stale");
        if (built.code != 0) {
            throw new AssertionError("docker/build-local-plane-image failed: " + built.out);
        }
    }

    public static String run(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "docker";
        System.arraycopy(args, 0, command, 1, args.length);
        Result r = exec(command);
        if (r.code != 0) {
            throw new AssertionError("docker " + String.join(" ", args) + ": " + r.out);
        }
        return r.out.trim();
    }

    public static JsonNode inspect(String container) throws Exception {
        return JSON.readTree(run("inspect", container)).get(0);
    }

    /** Ids of the containers (any state) of a user in a deployment. */
    public static List<String> containersOfUser(String deployment, String userId) throws Exception {
        return ids(run("ps", "-aq", "--filter", "label=io.chatgw.deployment=" + deployment,
                "--filter", "label=io.chatgw.user=" + userId));
    }

    /** Removes every container of a deployment (its volumes too: test data). */
    public static void removeDeployment(String deployment) throws Exception {
        List<String> ids = ids(run("ps", "-aq", "--filter", "label=io.chatgw.deployment=" + deployment));
        if (!ids.isEmpty()) {
            List<String> rm = new ArrayList<>(List.of("rm", "-f", "-v"));
            rm.addAll(ids);
            run(rm.toArray(String[]::new));
        }
        for (String volume : ids(run("volume", "ls", "-q", "--filter", "name=chatgw-" + deployment + "-"))) {
            // a warm-pool member the still running gateway just started may hold one: it removes that one itself
            // (with its container) when it stops
            Result r = exec("docker", "volume", "rm", "-f", volume);
            if (r.code != 0 && !r.out.contains("volume is in use")) {
                throw new AssertionError("docker volume rm " + volume + ": " + r.out);
            }
        }
    }

    private static List<String> ids(String out) {
        return out.isBlank() ? List.of() : Arrays.stream(out.split("\\s+")).filter(s -> !s.isBlank()).toList();
    }

    /** A command's exit code (-1: it ran past 120 s and was killed) and its output, stderr included. */
    public record Result(int code, String out) {
    }

    public static Result exec(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}

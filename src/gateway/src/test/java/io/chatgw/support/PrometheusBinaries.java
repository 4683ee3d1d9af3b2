package io.chatgw.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code prometheus} and {@code promtool} from the PATH (Debian's {@code prometheus} package; {@code .ci/run} installs
 * it). A missing binary fails the test that needs it, saying how to install it.
 */
public final class PrometheusBinaries {

    private PrometheusBinaries() {
    }

    public static Path find(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(name + " is not on the PATH: install Debian's prometheus package "
                + "(apt-get install -y prometheus; .ci/run does it)");
    }

    /** Runs {@code promtool args...} in the working directory and returns its exit code and output (both streams). */
    public static Result promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(find("promtool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("promtool " + String.join(" ", args) + " did not finish in 60 s:\n" + output);
        }
        return new Result(p.exitValue(), output);
    }

    public record Result(int exitCode, String output) {
    }
}

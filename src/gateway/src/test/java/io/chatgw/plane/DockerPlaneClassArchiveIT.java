package io.chatgw.plane;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.plane.launch.docker.DockerLauncherProperties;
import io.chatgw.support.DockerEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The plane's class archive (docker/build-local-plane-image's training run): the very binds and command profile
 * docker-local creates plane containers with map it, and an archive that no longer fits the plane's jars is made again.
 * The check runs the configured command with {@code -Xshare:on} (the JVM refuses to start unless it maps the archive)
 * and {@code --mode=rehearse} in place of {@code --mode=ws} (the plane's own turns against in-process stand-ins).
 */
class DockerPlaneClassArchiveIT extends DockerPlaneTestBase {

    private static final Path JAR = Path.of("src/runtime/target/reference-runtime.jar");
    private static final Path ARCHIVE = Path.of("src/runtime/target/plane-cds/plane.jsa");

    @Autowired
    DockerLauncherProperties docker;

    @Test
    void aPlaneContainerStartedWithProfileDockerLocalsCommandMapsTheClassArchiveAndRunsItsTurns() throws Exception {
        DockerEngine.Result run = planeWithArchiveRequired();

        assertThat(run.code()).as(run.out()).isZero();
        assertThat(run.out()).contains("rehearsed 3 turns in ");
    }

    @Test
    void aClassArchiveOlderThanThePlanesJarsNoLongerFitsAndTheImageBuildMakesItAgain() throws Exception {
        Files.setLastModifiedTime(JAR, FileTime.fromMillis(System.currentTimeMillis())); // as a rebuild of the jar does
        DockerEngine.Result stale = planeWithArchiveRequired();
        assertThat(stale.code()).as(stale.out()).isNotZero();
        assertThat(stale.out()).contains("shared archive");

        DockerEngine.buildLocalPlaneImage(); // --if-stale, as README command 1 and the tests' set-up call it

        assertThat(Files.getLastModifiedTime(ARCHIVE).toMillis()).isGreaterThanOrEqualTo(Files.getLastModifiedTime(JAR).toMillis());
        DockerEngine.Result fresh = planeWithArchiveRequired();
        assertThat(fresh.code()).as(fresh.out()).isZero();
        assertThat(fresh.out()).contains("rehearsed 3 turns in ");
    }

    private DockerEngine.Result planeWithArchiveRequired() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker", "run", "--rm", "--network", "none"));
        docker.bindsOrNone().forEach(bind -> command.addAll(List.of("-v", bind)));
        command.add(docker.image());
        List<String> plane = docker.commandOrImage();
        assertThat(plane).as("profile docker-local's plane command").contains("-XX:SharedArchiveFile=/plane/cds/plane.jsa", "--mode=ws");
        command.add(plane.get(0));
        command.add("-Xshare:on");
        for (String arg : plane.subList(1, plane.size())) {
            command.add(arg.equals("--mode=ws") ? "--mode=rehearse" : arg);
        }
        return DockerEngine.exec(command.toArray(String[]::new));
    }
}

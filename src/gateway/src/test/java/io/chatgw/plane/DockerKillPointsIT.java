package io.chatgw.plane;

import io.chatgw.plane.link.PlaneRegistry;
import io.chatgw.support.DockerEngine;
import io.chatgw.support.SseClient;
import io.chatgw.support.SseClient.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The crash kill points with the docker launcher: {@code docker kill} of the user's container (KillPointTests). */
class DockerKillPointsIT extends DockerPlaneTestBase implements KillPointTests {

    @Autowired
    PlaneRegistry registry;

    @Override
    public PlaneUser planeUser() throws Exception {
        String id = "u-dkill-" + System.nanoTime();
        String token = tokenFor(id, "org-acme");
        newSession(token);
        jdbc.update("UPDATE users SET execution_mode = 'new' WHERE id = ?", id);
        return new PlaneUser(id, token);
    }

    @Override
    public String session(PlaneUser u) throws Exception {
        return newSession(u.token());
    }

    @Override
    public SseClient.Stream send(PlaneUser u, String session, String message) throws Exception {
        return sendMessage(u.token(), session, message);
    }

    @Override
    public List<Event> chatTo(PlaneUser u, String session, String message) throws Exception {
        return chat(u.token(), session, message);
    }

    @Override
    public void killPlane(PlaneUser u) throws Exception {
        DockerEngine.run("kill", containerOf(u.id()));
    }

    @Override
    public void wipeDataAndKill(PlaneUser u) throws Exception {
        String container = containerOf(u.id());
        String volume = volumeAtData(DockerEngine.inspect(container));
        DockerEngine.run("pause", container); // frozen: it writes nothing more
        Path data = Path.of(DockerEngine.run("volume", "inspect", "-f", "{{.Mountpoint}}", volume));
        try (Stream<Path> files = Files.walk(data)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(data)) {
                    Files.delete(p);
                }
            }
        }
        DockerEngine.run("kill", container);
    }

    @Override
    public PlaneRegistry planes() {
        return registry;
    }

    @Override
    public JdbcTemplate database() {
        return jdbc;
    }
}

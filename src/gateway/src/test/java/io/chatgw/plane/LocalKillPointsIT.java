package io.chatgw.plane;

import io.chatgw.plane.launch.LocalProcessLauncher;
import io.chatgw.plane.launch.PlaneLauncher;
import io.chatgw.plane.link.PlaneRegistry;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient;
import io.chatgw.support.SseClient.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The crash kill points with the local launcher: {@code kill -9} of the user's plane process (KillPointTests), with
 * room for a loaded machine (a plane declared dead for late pongs would not be there to kill).
 */
class LocalKillPointsIT extends GatewayTestBase implements KillPointTests {

    @org.springframework.test.context.DynamicPropertySource
    static void slowMachine(org.springframework.test.context.DynamicPropertyRegistry registry) {
        DockerPlaneTestBase.slowMachine(registry);
    }

    @Autowired
    PlaneRegistry registry;
    @Autowired
    PlaneLauncher launcher;
    @Autowired
    PlaneProperties config;

    @Override
    public PlaneUser planeUser() throws Exception {
        String id = "u-lkill-" + System.nanoTime();
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
        signal("-9", pidOf(u));
    }

    @Override
    public void wipeDataAndKill(PlaneUser u) throws Exception {
        long pid = pidOf(u);
        signal("-STOP", pid); // frozen: it writes nothing more
        Path data = Path.of(config.dataRootOrDefault(), "vm-" + u.id());
        try (Stream<Path> files = Files.walk(data)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(data) && !p.getFileName().toString().equals("plane.log")) {
                    Files.delete(p);
                }
            }
        }
        signal("-9", pid);
    }

    private long pidOf(PlaneUser u) {
        return ((LocalProcessLauncher) launcher).processOf(u.id()).pid();
    }

    private static void signal(String signal, long pid) throws Exception {
        if (new ProcessBuilder("kill", signal, Long.toString(pid)).start().waitFor() != 0) {
            throw new AssertionError("kill " + signal + " " + pid + " failed");
        }
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

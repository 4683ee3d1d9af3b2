package io.chatgw.plane.launch.docker;

import com.github.dockerjava.api.command.InspectVolumeResponse;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/v1/admin/planes/volumes}: the users' plane volumes of this deployment on the engine, each with its
 * user, whether a plane uses it now, when its last plane ended, and whether that is longer ago than
 * {@code gateway.plane.docker.volume-retention} ({@code past_retention}). The gateway never deletes a volume: this list
 * is for ops to decide ({@code docker volume rm}). With another launcher than docker the list is empty.
 */
@Component("listPlaneVolumes")
public class ListPlaneVolumes implements Processor {

    private final ObjectProvider<DockerLauncher> launcher;
    private final ObjectProvider<DockerLauncherProperties> docker;
    private final JdbcTemplate jdbc;

    public ListPlaneVolumes(ObjectProvider<DockerLauncher> launcher, ObjectProvider<DockerLauncherProperties> docker,
                            JdbcTemplate jdbc) {
        this.launcher = launcher;
        this.docker = docker;
        this.jdbc = jdbc;
    }

    @Override
    public void process(Exchange exchange) {
        DockerLauncher running = launcher.getIfAvailable();
        DockerLauncherProperties settings = docker.getObject();
        List<Map<String, Object>> volumes = new ArrayList<>();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("launcher", running == null ? "not docker" : "docker");
        body.put("retention", settings.volumeRetention().toString());
        body.put("volumes", volumes);
        exchange.getMessage().setBody(body);
        if (running == null) {
            return;
        }
        String prefix = running.volumePrefix();
        List<InspectVolumeResponse> found = CreatePlaneContainer.client(exchange.getContext(), settings.host())
                .listVolumesCmd().withFilter("name", List.of(prefix)).exec().getVolumes();
        Instant cutoff = Instant.now().minus(settings.volumeRetention());
        for (InspectVolumeResponse v : found == null ? List.<InspectVolumeResponse>of() : found) {
            if (!v.getName().startsWith(prefix) || !v.getName().endsWith("-data")) {
                continue;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", v.getName());
            List<Map<String, Object>> rows = jdbc.queryForList("""
                    SELECT user_id, bool_or(status <> 'terminated') AS in_use, max(terminated_at) AS last_ended
                    FROM user_vm_instances WHERE disk_id = ? GROUP BY user_id ORDER BY max(created_at) DESC LIMIT 1""",
                    v.getName());
            Map<String, Object> row = rows.isEmpty() ? Map.of() : rows.get(0);
            boolean inUse = Boolean.TRUE.equals(row.get("in_use"));
            Instant lastEnded = row.get("last_ended") instanceof Timestamp t ? t.toInstant() : null;
            entry.put("user_id", row.get("user_id"));
            entry.put("in_use", inUse);
            entry.put("last_plane_ended_at", lastEnded == null ? null : lastEnded.toString());
            entry.put("past_retention", !inUse && (lastEnded == null || lastEnded.isBefore(cutoff)));
            volumes.add(entry);
        }
    }
}

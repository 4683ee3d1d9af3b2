package io.chatgw.plane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.TestPlane;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The uplink methods a plane calls (get_skill_files, memory_search, mcp_call) and snapshots.
 * Against a plane written from docs/protocol.md alone ({@link TestPlane}); set-up in {@link PlaneProtocolSupport}.
 */
class PlaneMethodsIT extends PlaneProtocolSupport {

    @Test
    void getSkillFilesServesTheSkillAndRejectsPathTraversal() throws Exception {
        NewUser u = newModeUser();
        try (TestPlane plane = connectAndGreet(u)) {
            JsonNode ok = request(plane, "get_skill_files", Map.of("skill", "search_docs"));
            assertThat(ok.get("ok").asBoolean()).isTrue();
            assertThat(ok.at("/result/files")).extracting(f -> f.get("path").asText()).contains("SKILL.md", "prompt.txt");

            assertThat(request(plane, "get_skill_files", Map.of("skill", "../../etc")).at("/error/code").asText()).isEqualTo("path_rejected");
            assertThat(request(plane, "get_skill_files", Map.of("skill", "search_docs", "path", "../../application.yaml"))
                    .at("/error/code").asText()).isEqualTo("path_rejected");
            assertThat(request(plane, "get_skill_files", Map.of("skill", "search_docs", "path", "SKILL.md"))
                    .at("/result/files/0/content").asText()).contains("search_docs");
            assertThat(request(plane, "get_skill_files", Map.of("skill", "nope")).at("/error/code").asText()).isEqualTo("not_found");
        }
    }

    @Test
    void memorySearchFindsOnlyThePlaneUsersOwnMemories() throws Exception {
        NewUser u = newModeUser();
        jdbc.update("INSERT INTO memories (user_id, content) VALUES (?, 'Prefers tea over coffee in Berlin')", u.id());
        jdbc.update("INSERT INTO memories (user_id, content) VALUES ('u-alice', 'Alice drinks coffee in Berlin')");
        try (TestPlane plane = connectAndGreet(u)) {
            JsonNode response = request(plane, "memory_search", Map.of("query", "Berlin", "limit", 5));
            assertThat(response.get("ok").asBoolean()).as(response.toString()).isTrue();
            assertThat(response.at("/result/memories")).extracting(m -> m.get("content").asText())
                    .containsExactly("Prefers tea over coffee in Berlin");
            assertThat(request(plane, "memory_search", Map.of("query", "")).at("/error/code").asText()).isEqualTo("invalid_params");
        }
    }

    @Test
    void mcpCallIsForwardedAndTimesOut() throws Exception {
        NewUser u = newModeUser();
        try (TestPlane plane = connectAndGreet(u)) {
            JsonNode ok = request(plane, "mcp_call", Map.of("tool", "weather.lookup", "arguments", Map.of("city", "Rome")));
            assertThat(ok.get("ok").asBoolean()).as(ok.toString()).isTrue();
            assertThat(ok.at("/result/structuredContent/city").asText()).isEqualTo("Rome");

            JsonNode slow = request(plane, "mcp_call", Map.of("tool", "weather.lookup", "arguments", Map.of("delay_ms", 3000)));
            assertThat(slow.at("/error/code").asText()).isEqualTo("mcp_timeout");
            JsonNode unknownTool = request(plane, "mcp_call", Map.of("tool", "nope"));
            assertThat(unknownTool.at("/error/code").asText()).isEqualTo("mcp_error");
        }
    }

    @Test
    void snapshotsAreStoredAndOnlyTheLatestAreKept() throws Exception {
        NewUser u = newModeUser();
        String session = newSession(u.token());
        try (TestPlane plane = connectAndGreet(u)) {
            for (int i = 1; i <= 7; i++) {
                plane.send(Map.of("type", "snapshot", "session_id", session, "checkpoint", Map.of("n", i),
                        "short_term_memory", Map.of(), "conversation_state", Map.of(), "file_manifest", List.of()));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            List<Integer> kept = List.of();
            while (System.nanoTime() < deadline) {
                kept = jdbc.queryForList("SELECT (checkpoint->>'n')::int FROM session_snapshots WHERE session_id = ?::uuid ORDER BY 1",
                        Integer.class, session);
                if (kept.contains(7) && kept.size() == 5) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(kept).containsExactly(3, 4, 5, 6, 7);

            String foreign = newSession(tokenFor("u-alice", "org-acme"));
            plane.send(Map.of("type", "snapshot", "session_id", foreign, "checkpoint", Map.of()));
            assertThat(plane.next("error", 5).get("code").asText()).isEqualTo("foreign_session");
        }
    }

    @Test
    void aSnapshotWaitingForPostgresqlDoesNotHoldThePlanesNextFrames() throws Exception {
        NewUser u = newModeUser();
        String session = newSession(u.token());
        try (TestPlane plane = connectAndGreet(u);
             java.sql.Connection lock = jdbc.getDataSource().getConnection()) {
            lock.setAutoCommit(false);
            try (java.sql.Statement statement = lock.createStatement()) {
                statement.execute("LOCK TABLE session_snapshots IN ACCESS EXCLUSIVE MODE"); // the snapshot's INSERT waits
            }
            plane.send(Map.of("type", "snapshot", "session_id", session, "checkpoint", Map.of("n", 1)));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                    "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE NOT l.granted "
                            + "AND a.query LIKE '%INSERT INTO session_snapshots%'", Long.class) == 1);
            plane.send(Map.of("type", "no_such_frame"));
            // answered from the frame sequence while the snapshot still waits for its table
            assertThat(plane.next("error", 5).get("code").asText()).isEqualTo("unknown_type");
            lock.rollback();
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM session_snapshots WHERE session_id = ?::uuid", Long.class, session) == 1);
    }
}

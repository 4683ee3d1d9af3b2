package io.chatgw.plane;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.plane.link.PlaneLink;
import io.chatgw.plane.link.PlaneRegistry;
import io.chatgw.support.SseClient;
import io.chatgw.support.SseClient.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The crash-recovery kill points of the seed's test strategy, for a launcher (docker: {@code docker kill}; local:
 * {@code kill -9}): during an {@code mcp_call}, during a {@code get_skill_files} load, before the first event, and
 * with the plane's data gone. Each time the client's stream completes with every event once, ids strictly increasing,
 * and the events and text of an uncrashed run. (During LLM streaming: DockerPlaneIT, ReferencePlaneIT.)
 */
interface KillPointTests {

    record PlaneUser(String id, String token) {
    }

    /** A new user on the new path. */
    PlaneUser planeUser() throws Exception;

    String session(PlaneUser u) throws Exception;

    SseClient.Stream send(PlaneUser u, String session, String message) throws Exception;

    List<Event> chatTo(PlaneUser u, String session, String message) throws Exception;

    /** Kills the user's plane abruptly (SIGKILL). */
    void killPlane(PlaneUser u) throws Exception;

    /** Freezes the user's plane, deletes everything in its data (directory / volume), then kills it. */
    void wipeDataAndKill(PlaneUser u) throws Exception;

    PlaneRegistry planes();

    JdbcTemplate database();

    String TOOL_MESSAGE = "please use a tool [[standin chunks=8 delay_ms=5]]";

    @Test
    default void aPlaneKilledDuringAnMcpCallIsReplacedAndTheTurnCompletesWithEveryEventOnce() throws Exception {
        killDuring("mcp_call");
    }

    @Test
    default void aPlaneKilledDuringASkillLoadIsReplacedAndTheTurnCompletesWithEveryEventOnce() throws Exception {
        killDuring("skill_call");
    }

    @Test
    default void aPlaneKilledBeforeTheFirstEventIsReplacedWithoutAWordToTheClientAndTheTurnCompletes() throws Exception {
        PlaneUser u = planeUser();
        String session = session(u);
        assertThat(chatTo(u, session, "[[standin chunks=2 delay_ms=1]] warm up")).last().extracting(Event::type)
                .isEqualTo("done");
        SseClient.Stream stream = send(u, session, "[[standin chunks=6 delay_ms=5 first_byte_delay_ms=2500]] slow start");
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            PlaneLink link = planes().liveLink(u.id());
            return link != null && link.hasTurns();
        });
        Thread.sleep(300); // the plane has the turn and waits for the LLM's first byte
        killPlane(u);
        List<Event> events = stream.all();
        stream.close();

        assertThat(events).as("the client's events: %s", events).last().extracting(Event::type).isEqualTo("done");
        assertThat(events.get(0).json().path("path").asText()).as("still the new path: no fallback").isEqualTo("new");
        assertThat(events).as("no status: the client saw nothing of the crash").noneMatch(e -> e.type().equals("status"));
        assertThat(texts(events)).isEqualTo(answer("slow start", 6));
        assertIdsIncrease(events);
        assertThat(crashReason(u)).contains("crashed");
    }

    @Test
    default void aReplacementWhoseDataIsGoneResumesTheTurnFromWhatTheGatewayHandsOver() throws Exception {
        PlaneUser u = planeUser();
        String session = session(u);
        assertThat(chatTo(u, session, "[[standin chunks=2 delay_ms=1]] first")).last().extracting(Event::type).isEqualTo("done");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> snapshotTurns(session) == 1);
        SseClient.Stream stream = send(u, session, "[[standin chunks=40 delay_ms=30]] long");
        List<Event> events = new ArrayList<>(stream.until(e -> e.type().equals("text") && e.json().path("delta").asText()
                .contains("token-4")));
        wipeDataAndKill(u);
        events.addAll(stream.all());
        stream.close();

        assertThat(events).as("the client's events: %s", events).last().extracting(Event::type).isEqualTo("done");
        assertThat(texts(events)).as("the final text of an uncrashed run").isEqualTo(answer("long", 40));
        assertThat(events).filteredOn(e -> e.type().equals("text")).as("no text lost or duplicated").hasSize(40);
        assertThat(events).filteredOn(e -> e.type().equals("status")).extracting(e -> e.json().get("state").asText())
                .contains("recovering").last().isEqualTo("resumed");
        assertIdsIncrease(events);
        // the session's state came from its last snapshot (1 turn), so this turn's snapshot counts 2
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> snapshotTurns(session) == 2);
    }

    private void killDuring(String callEvent) throws Exception {
        PlaneUser u = planeUser();
        List<Event> uncrashed = chatTo(u, session(u), TOOL_MESSAGE);
        assertThat(uncrashed).last().extracting(Event::type).isEqualTo("done");
        String session = session(u);
        SseClient.Stream stream = send(u, session, TOOL_MESSAGE + " [[plane tool_delay_ms=1500]]");
        List<Event> events = new ArrayList<>(stream.until(e -> e.type().equals(callEvent)));
        killPlane(u); // the turn waits 1.5 s in this step: the kill lands in it
        events.addAll(stream.all());
        stream.close();

        assertThat(events).as("the client's events: %s", events).last().extracting(Event::type).isEqualTo("done");
        assertThat(withoutStatus(events)).as("every event once, in the uncrashed run's order")
                .isEqualTo(withoutStatus(uncrashed));
        assertThat(texts(events)).isEqualTo(texts(uncrashed));
        for (String result : List.of("skill_result", "mcp_result")) {
            assertThat(dataOf(events, result)).as(result).isEqualTo(dataOf(uncrashed, result));
        }
        assertThat(events).filteredOn(e -> e.type().equals("status")).extracting(e -> e.json().get("state").asText())
                .contains("recovering").last().isEqualTo("resumed");
        assertIdsIncrease(events);
        assertThat(crashReason(u)).contains("crashed");
    }

    private String crashReason(PlaneUser u) {
        return database().queryForObject("""
                SELECT config->>'terminated_reason' FROM user_vm_instances WHERE user_id = ? AND status = 'terminated'
                ORDER BY terminated_at DESC LIMIT 1""", String.class, u.id());
    }

    private long snapshotTurns(String session) {
        List<Long> turns = database().queryForList("""
                SELECT (conversation_state->>'turns')::bigint FROM session_snapshots WHERE session_id = ?::uuid
                ORDER BY created_at DESC LIMIT 1""", Long.class, session);
        return turns.isEmpty() || turns.get(0) == null ? 0 : turns.get(0);
    }

    private static List<String> withoutStatus(List<Event> events) {
        return events.stream().map(Event::type).filter(t -> !t.equals("status")).collect(Collectors.toList());
    }

    private static String dataOf(List<Event> events, String type) {
        return events.stream().filter(e -> e.type().equals(type)).map(e -> e.json().toString()).findFirst().orElse(null);
    }

    private static String texts(List<Event> events) {
        return events.stream().filter(e -> e.type().equals("text")).map(e -> e.json().get("delta").asText())
                .collect(Collectors.joining());
    }

    /** The stand-in LLM's deterministic answer (src/standin-llm StandinAnswer). */
    private static String answer(String message, int chunks) {
        StringBuilder b = new StringBuilder("Stand-in reply to \"" + message + "\":");
        for (int i = 1; i < chunks; i++) {
            b.append(" token-").append(i);
        }
        return b.toString();
    }

    private static void assertIdsIncrease(List<Event> events) {
        long previous = Long.MIN_VALUE;
        for (Event e : events) {
            assertThat(e.id()).as("ids strictly increasing").isGreaterThan(previous);
            previous = e.id();
        }
    }
}

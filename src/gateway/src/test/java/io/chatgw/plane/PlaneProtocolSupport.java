package io.chatgw.plane;

import io.chatgw.plane.socket.VmTokens;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient.Event;
import io.chatgw.support.TestPlane;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Set-up shared by the /ws/vm protocol tests ({@code Plane*IT}): users in mode {@code new} with their VM
 * tokens, planes that connect and say hello, chats on them, and requests from the plane.
 */
// the plane protocol as such (redelivery, cancel, timeouts): no fallback on the new path, so a turn's failure
// before its first event is its own error here (fallbacks: FallbackIT)
@org.springframework.test.context.TestPropertySource(properties = "gateway.resilience.fallback-to.new=none")
abstract class PlaneProtocolSupport extends GatewayTestBase {

    @Autowired
    PlaneProperties planeConfig;
    @Autowired
    VmTokens vmTokens;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    /** A fresh user in mode `new`, with a token for its chat API and one for its plane. */
    record NewUser(String id, String token, String vmId, String vmToken) {
    }

    /** A chat running on the user's plane: its session, the client's events, and the user_message the plane got. */
    record RunningTurn(String session, CompletableFuture<List<Event>> client, JsonNode message) {
        String requestId() {
            return message.get("request_id").asText();
        }
    }

    NewUser newModeUser() throws Exception {
        String id = "u-plane-" + System.nanoTime();
        String token = tokenFor(id, "org-acme");
        newSession(token); // provisions the user
        jdbc.update("UPDATE users SET execution_mode = 'new' WHERE id = ?", id);
        String vmId = VmTokens.vmIdOf(id);
        return new NewUser(id, token, vmId, vmTokens.issue(id, "org-acme", vmId));
    }

    TestPlane connectAndGreet(NewUser u) throws Exception {
        TestPlane plane = TestPlane.connect(planeConfig.publicUrlOrDefault(), u.vmToken(), false);
        JsonNode welcome = plane.hello(u.vmId(), 0, Map.of());
        assertThat(welcome.get("vm_id").asText()).isEqualTo(u.vmId());
        return plane;
    }

    /** A new session of the user, a chat with {@code message} in it, and the user_message its plane receives. */
    RunningTurn startTurn(NewUser u, TestPlane plane, String message) throws Exception {
        String session = newSession(u.token());
        CompletableFuture<List<Event>> client = CompletableFuture.supplyAsync(() -> chatQuietly(u.token(), session, message));
        return new RunningTurn(session, client, plane.next("user_message", 10));
    }

    static Map<String, Object> text(String delta) {
        return Map.of("delta", delta);
    }

    static void assertThatNoErrorFrame(TestPlane plane) throws Exception {
        try {
            JsonNode error = plane.next("error", 1);
            throw new AssertionError("unexpected error frame " + error);
        } catch (AssertionError expected) {
            assertThat(expected.getMessage()).startsWith("no matching frame");
        }
    }

    private static int requestIds;

    static JsonNode request(TestPlane plane, String method, Map<String, ?> params) throws Exception {
        String id = "req-" + (++requestIds);
        plane.send(Map.of("type", "request", "id", id, "method", method, "params", params));
        return plane.next(f -> f.path("type").asText().equals("response") && f.path("id").asText().equals(id), 10);
    }

    List<Event> chatQuietly(String token, String session, String message) {
        try {
            return chat(token, session, message);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.chatgw.plane;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient.Event;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * A plane that is launched but never says hello (the reference plane, told to dial a port nobody listens on): after the
 * start timeout the turn falls back to the direct LLM. (A plane that exits before its hello fails the turn at once:
 * DockerPlaneStartFailuresIT, LaunchedPlanesTest.)
 */
@TestPropertySource(properties = {"gateway.plane.public-url=ws://127.0.0.1:9/ws/vm", "gateway.plane.start-timeout=2s"})
class PlaneUnavailableIT extends GatewayTestBase {

    @Test
    void noHelloWithinTheStartTimeoutFallsBack() throws Exception {
        String user = "u-noplane-" + System.nanoTime();
        String token = tokenFor(user, "org-acme");
        String session = newSession(token);
        jdbc.update("UPDATE users SET execution_mode = 'new' WHERE id = ?", user);

        long t0 = System.nanoTime();
        List<Event> events = chat(token, session, "anyone there?");

        assertThat(events.get(1).type()).isEqualTo("fallback");
        assertThat(events.get(1).json().get("reason").asText()).isEqualTo("plane_unavailable");
        assertThat(events.get(events.size() - 1).type()).isEqualTo("done");
        assertThat(events.get(events.size() - 1).json().get("path").asText()).isEqualTo("direct_llm");
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(1_500L, 10_000L);
    }
}

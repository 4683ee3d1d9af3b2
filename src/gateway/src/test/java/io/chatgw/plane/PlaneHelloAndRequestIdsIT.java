package io.chatgw.plane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.TestPlane;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** hello carries the token's vm_id, once per connection; a request id cannot be reused while unanswered. */
class PlaneHelloAndRequestIdsIT extends PlaneProtocolSupport {

    @Test
    void aHelloWithoutTheTokensVmIdClosesTheConnectionWithItsReason() throws Exception {
        NewUser u = newModeUser();
        try (TestPlane plane = TestPlane.connect(planeConfig.publicUrlOrDefault(), u.vmToken(), false)) {
            plane.send(Map.of("type", "hello", "version", "1"));
            assertThat(plane.awaitClose(5)).isEqualTo(1008);
            assertThat(plane.closeReason()).contains("vm_id");
        }
        try (TestPlane plane = TestPlane.connect(planeConfig.publicUrlOrDefault(), u.vmToken(), false)) {
            plane.send(Map.of("type", "hello", "vm_id", "vm-someone-else", "version", "1"));
            assertThat(plane.awaitClose(5)).isEqualTo(1008);
            assertThat(plane.closeReason()).contains("not the token's vm_id");
        }
    }

    @Test
    void aSecondHelloIsAnErrorFrameNotASecondWelcome() throws Exception {
        NewUser u = newModeUser();
        try (TestPlane plane = TestPlane.connect(planeConfig.publicUrlOrDefault(), u.vmToken(), false)) {
            plane.hello(u.vmId(), 0, Map.of());
            plane.send(Map.of("type", "hello", "vm_id", u.vmId(), "version", "1"));
            JsonNode next = plane.next(f -> f.path("type").asText().equals("error")
                    || f.path("type").asText().equals("welcome"), 5);
            assertThat(next.get("type").asText()).isEqualTo("error");
            assertThat(next.get("code").asText()).isEqualTo("duplicate_hello");
            assertThat(plane.isOpen()).isTrue();
        }
    }

    @Test
    void anUnansweredRequestIdCannotBeReused() throws Exception {
        NewUser u = newModeUser();
        try (TestPlane plane = TestPlane.connect(planeConfig.publicUrlOrDefault(), u.vmToken(), false)) {
            plane.hello(u.vmId(), 0, Map.of());
            Map<String, Object> slow = Map.of("type", "request", "id", "r-dup", "method", "mcp_call",
                    "params", Map.of("tool", "weather.lookup", "arguments", Map.of("delay_ms", 1500)));
            plane.send(slow);
            plane.send(slow);
            JsonNode error = plane.next("error", 5);
            assertThat(error.get("code").asText()).isEqualTo("duplicate_request_id");
            JsonNode response = plane.next("response", 10);
            assertThat(response.get("id").asText()).isEqualTo("r-dup");
            // answered: the id is free again
            plane.send(Map.of("type", "request", "id", "r-dup", "method", "get_skill_files",
                    "params", Map.of("skill", "search_docs")));
            assertThat(plane.next("response", 5).get("ok").asBoolean()).isTrue();
        }
    }
}

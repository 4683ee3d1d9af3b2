package io.chatgw.plane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.TestPlane;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Plane requests are shared fairly between planes (each flood call holds a request thread until the test profile's
 * 1 s mcp-timeout) (gateway.plane.max-concurrent-requests per plane over the request
 * threads, round robin, max-queued-requests waiting): one user's plane flooding slow mcp_calls neither starves another
 * user's tool call nor makes it time out, and its own calls beyond its queue get an error frame too_many_requests.
 */
class PlaneRequestFairnessIT extends PlaneProtocolSupport {

    @Test
    void onePlaneSendingAHundredSlowMcpCallsDoesNotMakeAnotherUsersCallTimeOut() throws Exception {
        NewUser greedy = newModeUser();
        NewUser other = newModeUser();
        int calls = 100;
        try (TestPlane flood = connectAndGreet(greedy); TestPlane victim = connectAndGreet(other)) {
            for (int i = 0; i < calls; i++) {
                flood.send(Map.of("type", "request", "id", "slow-" + i, "method", "mcp_call", "params",
                        Map.of("tool", "weather.lookup", "arguments", Map.of("city", "Oslo", "delay_ms", 3000))));
            }
            JsonNode answer = request(victim, "mcp_call", Map.of("tool", "weather.lookup", "arguments", Map.of("city", "Rome")));
            assertThat(answer.get("ok").asBoolean()).as(answer.toString()).isTrue();
            assertThat(answer.at("/result/structuredContent/city").asText()).isEqualTo("Rome");

            // the other plane's call did not wait for the flood: most of the flooding plane's calls are still unanswered
            int allowed = planeConfig.maxConcurrentRequests() + planeConfig.maxQueuedRequests();
            List<JsonNode> before = flood.drain();
            long answeredBefore = before.stream().filter(f -> f.path("type").asText().equals("response")).count();
            assertThat(answeredBefore).as("flood responses before the other user's answer").isLessThan(allowed / 2);

            // beyond its running and waiting share, the flooding plane was told at once, request by request; every
            // other call of it is still served (a response each, none lost)
            List<JsonNode> frames = new java.util.ArrayList<>(before);
            while (frames.stream().filter(f -> !f.path("type").asText().equals("ack")).count() < calls) {
                frames.add(flood.next(f -> f.path("type").asText().matches("response|error"), 30));
            }
            List<JsonNode> refused = frames.stream().filter(f -> f.path("type").asText().equals("error")).toList();
            assertThat(refused).isNotEmpty().allSatisfy(error -> {
                assertThat(error.get("code").asText()).isEqualTo("too_many_requests");
                assertThat(error.at("/ref/type").asText()).isEqualTo("request");
                assertThat(error.at("/ref/id").asText()).startsWith("slow-");
            });
            assertThat(refused.size()).isLessThanOrEqualTo(calls - planeConfig.maxConcurrentRequests());
            assertThat(frames).filteredOn(f -> f.path("type").asText().equals("response"))
                    .hasSize(calls - refused.size());
            assertThat(flood.isOpen()).isTrue(); // refusals for load are not bad frames
        }
    }
}

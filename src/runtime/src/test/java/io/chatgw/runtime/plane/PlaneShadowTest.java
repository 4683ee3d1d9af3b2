package io.chatgw.runtime.plane;

import static io.chatgw.runtime.plane.FakeGateway.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A {@code user_message} flagged {@code shadow} (docs/protocol.md): the plane answers it like any message but applies
 * no side effects: no MCP call, no session state, no usage report, no snapshot. Set-up in {@link ExecutionPlaneSupport}.
 */
class PlaneShadowTest extends ExecutionPlaneSupport {

  @Test
  void aShadowMessageIsAnsweredWithoutAnMcpCallUsageReportOrSnapshot() {
    gateway.responder = request -> new JsonObject().put("ok", true).put("result",
        "memory_search".equals(request.getString("method"))
            ? new JsonObject().put("memories", new JsonArray()) : new JsonObject().put("files", new JsonArray()));
    ExecutionPlane plane = startPlane(options());
    awaitTrue(plane::connected, "the plane to connect");

    gateway.sendShadowMessage("shadow-s1", "req-shadow", "Use a tool please [[standin chunks=2]]");
    gateway.awaitTerminal("req-shadow");

    assertEquals(List.of("plan_step", "skill_call", "skill_result", "plan_step", "mcp_call", "mcp_result",
        "plan_step", "text", "text", "done"), gateway.eventNames("req-shadow"));
    assertEquals(new JsonObject().put("skipped", ToolSteps.SHADOW_SKIPPED),
        gateway.events("req-shadow").get(5).getJsonObject("data").getJsonObject("output"));
    assertEquals(List.of("get_skill_files", "memory_search"), gateway.framesOfType("request").stream()
        .map(r -> r.getString("method")).collect(Collectors.toList()), "reads only: no mcp_call");

    // a plain message after it: its usage report and snapshot arrive, the shadow's never did
    gateway.sendUserMessage("s2", "req-plain", "Hello [[standin chunks=2]]");
    gateway.awaitTerminal("req-plain");
    awaitTrue(() -> !gateway.framesOfType("snapshot").isEmpty(), "the plain message's snapshot");
    awaitTrue(() -> !gateway.framesOfType("fire_and_forget").isEmpty(), "the plain message's usage report");
    assertTrue(gateway.framesOfType("snapshot").stream().allMatch(f -> "s2".equals(f.getString("session_id"))));
    assertTrue(gateway.framesOfType("fire_and_forget").stream()
        .allMatch(f -> "req-plain".equals(f.getJsonObject("data").getString("request_id"))));
    assertEquals(1, gateway.framesOfType("snapshot").get(0).getJsonObject("conversation_state").getInteger("turns"));
  }
}

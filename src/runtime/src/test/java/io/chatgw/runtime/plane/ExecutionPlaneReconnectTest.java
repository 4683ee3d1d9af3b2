package io.chatgw.runtime.plane;

import static io.chatgw.runtime.plane.FakeGateway.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The plane's link to the gateway: resending unacknowledged events and completing redelivered responses after a
 * reconnect, pings, rejected connections retried, and reconnecting with the newest token.
 * Set-up in {@link ExecutionPlaneSupport}.
 */
class ExecutionPlaneReconnectTest extends ExecutionPlaneSupport {

  @Test
  void resendsUnacknowledgedEventsAfterAReconnect() {
    gateway.ackUpTo = 3;
    gateway.loseAbove = 5;
    ExecutionPlane plane = startPlane(options());
    awaitTrue(plane::connected, "the plane to connect");

    gateway.sendUserMessage("s1", "req-1", "Resend me [[standin chunks=6]]");
    awaitTrue(() -> gateway.lost.stream().anyMatch(event -> "done".equals(event.getString("event"))),
        "the done event (lost in flight)");
    assertEquals(5, gateway.accepted.size());
    gateway.loseAbove = Long.MAX_VALUE;
    gateway.ackUpTo = Long.MAX_VALUE;
    gateway.dropAbruptly();

    awaitTrue(() -> gateway.hellos.size() == 2, "a second hello");
    JsonObject resume = gateway.hellos.get(1).getJsonObject("resume");
    assertEquals(1L, resume.getLong("last_downlink_seq"));
    assertEquals(new JsonObject().put("s1", 3), resume.getJsonObject("sessions"));

    gateway.awaitTerminal("req-1");
    assertEquals(LongStream.rangeClosed(1, 7).boxed().collect(Collectors.toList()), seqs(gateway.events("req-1")));
    assertEquals("Stand-in reply to \"Resend me\": token-1 token-2 token-3 token-4 token-5", gateway.text("req-1"));
    assertTrue(gateway.duplicates.isEmpty(), "only the events after welcome.last_seq are resent");
    awaitTrue(() -> !gateway.framesOfType("snapshot").isEmpty(), "the snapshot after the resent done");
  }

  @Test
  void aResponseRedeliveredAfterAReconnectCompletesTheRequest() {
    ExecutionPlane plane = startPlane(options());
    awaitTrue(plane::connected, "the plane to connect");
    gateway.sendUserMessage("s1", "req-1", "tool time [[standin chunks=1]]");
    awaitTrue(() -> gateway.framesOfType("request").size() == 1, "the get_skill_files request");
    JsonObject request = gateway.framesOfType("request").get(0);
    gateway.dropAbruptly();
    awaitTrue(() -> gateway.hellos.size() == 2 && plane.connected(), "the reconnect");

    gateway.responder = other -> new JsonObject().put("ok", true).put("result", new JsonObject());
    gateway.send(new JsonObject().put("type", "response").put("id", request.getString("id")).put("ok", true)
        .put("result", new JsonObject().put("skill", "search_docs").put("files", new JsonArray())));
    gateway.awaitTerminal("req-1");
    JsonObject skillResult = gateway.events("req-1").get(2);
    assertEquals("skill_result", skillResult.getString("event"));
    assertEquals(new JsonObject().put("skill", "search_docs").put("files", new JsonArray()),
        skillResult.getJsonObject("data").getJsonObject("output"));
    assertEquals("done", gateway.terminal("req-1").getString("event"));
  }

  @Test
  void answersPingsUntilToldToIgnoreThem() {
    ExecutionPlane plane = startPlane(options());
    awaitTrue(plane::connected, "the plane to connect");
    gateway.ping(1732240000000L);
    awaitTrue(() -> !gateway.framesOfType("pong").isEmpty(), "a pong");
    assertEquals(new JsonObject().put("type", "pong").put("ts", 1732240000000L), gateway.framesOfType("pong").get(0));

    gateway.sendUserMessage("s1", "req-1", "[[plane ignore_pings=true]] quiet now [[standin chunks=1]]");
    gateway.awaitTerminal("req-1");
    assertEquals("Stand-in reply to \"quiet now\":", gateway.text("req-1"));
    gateway.ping(2);
    sleep(300);
    assertEquals(1, gateway.framesOfType("pong").size());
  }

  @Test
  void retriesRejectedConnectionsAndCanSendTheTokenInTheQuery() {
    gateway.rejectAll = true;
    ExecutionPlane plane = startPlane(options().setTokenInQuery(true).setToken("expired-token"));
    awaitTrue(() -> gateway.closes.size() >= 2, "two rejected attempts");
    assertFalse(plane.connected());
    gateway.rejectAll = false;
    plane.updateToken(FakeGateway.TOKEN);
    awaitTrue(plane::connected, "the plane to connect once accepted");
    assertEquals("query", gateway.authentications.get(gateway.authentications.size() - 1));
    assertTrue(gateway.authentications.contains("none"));
  }

  @Test
  void reconnectsWithTheNewestTokenTheGatewayHandedOut() {
    gateway.welcomeToken = "fresh-from-welcome";
    ExecutionPlane plane = startPlane(options());
    awaitTrue(plane::connected, "connected with the launch token");

    gateway.validToken = "fresh-from-welcome"; // the launch token has expired meanwhile
    int connections = gateway.authentications.size();
    gateway.dropAbruptly();
    awaitTrue(() -> gateway.authentications.size() > connections && plane.connected(), "reconnected with the welcome's token");
    assertEquals("header", gateway.authentications.get(gateway.authentications.size() - 1));

    gateway.send(new JsonObject().put("type", "token").put("token", "fresh-from-token-frame"));
    gateway.validToken = "fresh-from-token-frame";
    gateway.welcomeToken = null;
    sleep(200);
    int before = gateway.authentications.size();
    gateway.dropAbruptly();
    awaitTrue(() -> gateway.authentications.size() > before && plane.connected(), "reconnected with the token frame's token");
    assertFalse(gateway.authentications.contains("none"), "no attempt with an old token");
  }
}

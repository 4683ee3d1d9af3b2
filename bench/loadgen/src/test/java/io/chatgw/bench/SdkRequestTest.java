package io.chatgw.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The OpenAI-endpoint cells send what the SDKs send: an API key, no session header, stream with usage. */
class SdkRequestTest {

  private static final TargetSpec COMPLETIONS = TargetSpec.fromJson(new JsonObject()
      .put("name", "gateway-openai-direct_llm").put("role", "gateway").put("kind", "openai")
      .put("url", "http://gw/v1/chat/completions").put("baseUrl", "http://gw/").put("apiKeyUser", "u-carol")
      .put("expectPath", "direct_llm"));
  private static final TargetSpec RESPONSES = TargetSpec.fromJson(new JsonObject()
      .put("name", "gateway-responses-direct_llm").put("role", "gateway").put("kind", "responses")
      .put("url", "http://gw/v1/responses").put("baseUrl", "http://gw").put("apiKeyUser", "u-carol"));

  @Test
  void aChatCompletionCellStreamsWithTheUsageChunkAndTheKeyAndNoSession() {
    RequestTemplate r = LoadGenMain.sdkRequest(COMPLETIONS, "hi", "chat-gateway", "sk-gw-abc");
    JsonObject body = r.body().toJsonObject();
    assertEquals("chat-gateway", body.getString("model"));
    assertEquals(true, body.getBoolean("stream"));
    assertEquals(true, body.getJsonObject("stream_options").getBoolean("include_usage"));
    assertEquals("hi", body.getJsonArray("messages").getJsonObject(0).getString("content"));
    assertEquals("Bearer sk-gw-abc", r.headers().get("Authorization"));
    assertNull(r.headers().get("X-Session-Id"));
    assertEquals("http://gw/v1/chat/completions", r.absoluteUri());
    assertEquals("http://gw", COMPLETIONS.baseUrl());
    assertEquals("u-carol", COMPLETIONS.toJson().getString("apiKeyUser"));
  }

  @Test
  void aResponsesCellSendsTheMessageAsInputAndNoChatFields() {
    RequestTemplate r = LoadGenMain.sdkRequest(RESPONSES, "hi", "chat-gateway", "sk-gw-abc");
    JsonObject body = r.body().toJsonObject();
    assertEquals("hi", body.getString("input"));
    assertEquals(true, body.getBoolean("stream"));
    assertFalse(body.containsKey("messages"));
    assertFalse(body.containsKey("stream_options"));
  }

  @Test
  void aTargetWithoutAKeySendsNoAuthorizationAndAKeyNeedsTheGateway() {
    TargetSpec nginx = TargetSpec.fromJson(new JsonObject().put("name", "nginx").put("kind", "openai")
        .put("url", "http://n/v1/chat/completions"));
    assertNull(LoadGenMain.sdkRequest(nginx, "hi", "standin-1", null).headers().get("Authorization"));
    assertThrows(IllegalArgumentException.class, () -> TargetSpec.fromJson(new JsonObject().put("name", "x")
        .put("kind", "responses").put("url", "http://gw/v1/responses").put("apiKeyUser", "u-carol")));
    assertThrows(IllegalArgumentException.class, () -> TargetSpec.fromJson(new JsonObject().put("name", "x")
        .put("kind", "responses")));
  }
}

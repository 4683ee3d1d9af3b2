package io.chatgw.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chatgw.bench.StreamRules.EventKind;
import org.junit.jupiter.api.Test;

class StreamRulesTest {

  private static EventKind openAi(String data) {
    return StreamRules.classifyOpenAi(new SseEvent("", "message", data));
  }

  @Test
  void openAiChunks() {
    assertEquals(EventKind.OTHER, openAi("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}"));
    assertEquals(EventKind.CONTENT, openAi("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\" token-1\"}}]}"));
    assertEquals(EventKind.CONTENT, openAi("{\"choices\":[{\"delta\":{\"content\":\"\\\"quoted\\\"\"}}]}"));
    assertEquals(EventKind.OTHER, openAi("{\"choices\":[],\"usage\":{\"prompt_tokens\":4}}"));
    assertEquals(EventKind.END_OK, openAi("[DONE]"));
    assertEquals(EventKind.END_ERROR, openAi("{\"error\":{\"message\":\"boom\",\"code\":\"x\"}}"));
  }

  private static EventKind responses(String type, String data) {
    return StreamRules.classify(TargetSpec.Kind.RESPONSES, new SseEvent("", type, data));
  }

  @Test
  void responsesEventsAreJudgedByTheirType() {
    assertEquals(EventKind.OTHER, responses("response.created", "{\"type\":\"response.created\",\"response\":{}}"));
    assertEquals(EventKind.CONTENT, responses("response.output_text.delta",
        "{\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\",\"delta\":\" token-1\",\"logprobs\":[]}"));
    assertEquals(EventKind.OTHER, responses("response.output_text.delta", "{\"delta\":\"\"}"));
    assertEquals(EventKind.OTHER, responses("response.output_text.done", "{\"text\":\"all of it\"}"));
    assertEquals(EventKind.END_OK, responses("response.completed", "{}"));
    assertEquals(EventKind.END_ERROR, responses("response.failed", "{\"response\":{\"error\":{\"code\":\"x\"}}}"));
    assertEquals(EventKind.END_ERROR, responses("response.incomplete", "{}"));
    assertEquals(EventKind.END_ERROR, responses("error", "{\"code\":\"x\"}"));
  }

  @Test
  void gatewayEvents() {
    assertEquals(EventKind.ROUTE, StreamRules.classifyGateway(new SseEvent("1", "route", "{}")));
    assertEquals(EventKind.CONTENT, StreamRules.classifyGateway(new SseEvent("2", "text", "{\"delta\":\"a\"}")));
    assertEquals(EventKind.OTHER, StreamRules.classifyGateway(new SseEvent("3", "plan_step", "{}")));
    assertEquals(EventKind.END_OK, StreamRules.classifyGateway(new SseEvent("4", "done", "{}")));
    assertEquals(EventKind.END_ERROR, StreamRules.classifyGateway(new SseEvent("5", "error", "{}")));
  }

  @Test
  void routePathAndErrorCode() {
    assertEquals("direct_llm", StreamRules.routePath("{\"path\":\"direct_llm\",\"reason\":\"user_mode\"}"));
    assertEquals(null, StreamRules.routePath("{}"));
    assertEquals("path_unavailable", StreamRules.errorCode("{\"code\":\"path_unavailable\",\"message\":\"x\"}"));
    assertEquals("unknown", StreamRules.errorCode("{\"message\":\"x\"}"));
    assertEquals("429", StreamRules.errorCode("{\"error\":{\"code\":429}}"));
  }
}

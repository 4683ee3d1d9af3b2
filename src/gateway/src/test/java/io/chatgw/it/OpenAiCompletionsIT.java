package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.OpenAiHttp;
import io.chatgw.support.OpenAiHttp.Streamed;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Contract of POST /v1/chat/completions over real HTTP, through the same router and paths as the native chat
 * API (the stand-in LLM on direct_llm, the reference runtime on legacy): answers, failures, bad requests, models.
 * Which session a request lands in: {@link OpenAiSessionsIT}.
 */
class OpenAiCompletionsIT extends OpenAiTestBase {

    @Test
    void nonStreamedAnswerIsOneChatCompletionWithUsage() throws Exception {
        HttpResponse<String> r = openai.complete(carol, request(false, msg("user", "[[standin chunks=5]] count")));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-gateway-path")).hasValue("direct_llm");
        JsonNode completion = OpenAiHttp.json(r.body());
        assertThat(completion.get("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.get("id").asText()).startsWith("chatcmpl-");
        assertThat(completion.get("model").asText()).isEqualTo("standin-1");
        assertThat(completion.at("/choices/0/message/role").asText()).isEqualTo("assistant");
        assertThat(completion.at("/choices/0/message/content").asText())
                .isEqualTo("Stand-in reply to \"count\": token-1 token-2 token-3 token-4");
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(completion.at("/usage/completion_tokens").asInt()).isEqualTo(5);
        assertThat(completion.at("/usage/total_tokens").asInt())
                .isEqualTo(completion.at("/usage/prompt_tokens").asInt() + 5);

        // the same usage record as a native chat turn
        String requestId = r.headers().firstValue("x-gateway-request-id").orElseThrow();
        assertThat(completion.get("id").asText()).isEqualTo("chatcmpl-" + requestId.replace("-", ""));
        Map<String, Object> record = awaitUsageRecord(requestId);
        assertThat(record.get("path")).isEqualTo("direct_llm");
        assertThat(record.get("status")).isEqualTo("completed");
        assertThat(record.get("tokens_out")).isEqualTo(5);
    }

    @Test
    void streamedAnswerWithUsageChunk() throws Exception {
        Map<String, Object> body = request(true, msg("user", "[[standin chunks=5 delay_ms=1]] count"));
        body.put("stream_options", Map.of("include_usage", true));

        Streamed s = openai.stream(carol, body, Map.of());

        assertThat(s.status()).as(s.errorBody()).isEqualTo(200);
        assertThat(s.header("Content-Type")).startsWith("text/event-stream");
        assertThat(s.header("x-gateway-path")).isEqualTo("direct_llm");
        assertThat(s.header("Cache-Control")).isEqualTo("no-cache, no-transform");
        assertThat(s.data()).last().isEqualTo("[DONE]");
        List<JsonNode> chunks = s.chunks();
        // role, 5 content chunks, the finish chunk, usage
        assertThat(chunks).hasSize(8);
        Set<String> ids = new HashSet<>();
        Set<Long> created = new HashSet<>();
        chunks.forEach(c -> {
            ids.add(c.get("id").asText());
            created.add(c.get("created").asLong());
            assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk");
        });
        assertThat(ids).hasSize(1);
        assertThat(created).hasSize(1);
        assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        for (JsonNode content : chunks.subList(1, 6)) {
            assertThat(content.at("/choices/0/finish_reason").isNull()).isTrue();
            assertThat(content.get("usage").isNull()).isTrue();
        }
        assertThat(chunks.get(5).at("/choices/0/delta/content").asText()).isEqualTo(" token-4");
        JsonNode finish = chunks.get(6);
        assertThat(finish.at("/choices/0/delta").isEmpty()).isTrue();
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(finish.get("model").asText()).isEqualTo("standin-1");
        JsonNode usage = chunks.get(7);
        assertThat(usage.get("choices").isEmpty()).isTrue();
        assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(5);
        assertThat(usage.at("/usage/prompt_tokens").asInt()).isPositive();
        assertThat(s.content()).isEqualTo("Stand-in reply to \"count\": token-1 token-2 token-3 token-4");
    }

    @Test
    void streamedAnswerWithoutUsageChunkWhenNotAskedFor() throws Exception {
        Streamed s = openai.stream(carol, request(true, msg("user", "[[standin chunks=3]] hi")), Map.of());

        assertThat(s.status()).isEqualTo(200);
        assertThat(s.data()).last().isEqualTo("[DONE]");
        assertThat(s.chunks()).hasSize(5);   // role + 3 contents + finish: the upstream's usage chunk is not passed on
        assertThat(s.data()).noneMatch(d -> d.contains("\"usage\""));
        assertThat(s.chunks().get(4).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        // the gateway still asked its upstream for usage: the usage record has the provider's count
        Map<String, Object> record = awaitUsageRecord(s.header("x-gateway-request-id"));
        assertThat(record.get("tokens_out")).isEqualTo(3);
    }

    @Test
    void legacyPathRuntimeEventsAreOmittedByDefaultAndAnExtensionOnRequest() throws Exception {
        Streamed plain = openai.stream(alice, request(true, msg("user", "please use a tool")), Map.of());
        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.header("x-gateway-path")).isEqualTo("legacy");
        assertThat(plain.data()).last().isEqualTo("[DONE]");
        assertThat(plain.data()).noneMatch(d -> d.contains("gateway_event"));
        assertThat(plain.content()).isNotBlank();

        Streamed extended = openai.stream(alice, request(true, msg("user", "please use a tool")),
                Map.of("X-Gateway-Runtime-Events", "extension"));
        assertThat(extended.data()).last().isEqualTo("[DONE]");
        List<String> types = extended.chunks().stream().filter(c -> c.has("gateway_event"))
                .map(c -> c.at("/gateway_event/type").asText()).distinct().toList();
        assertThat(types).contains("plan_step", "skill_call", "skill_result", "mcp_call", "mcp_result");
        extended.chunks().stream().filter(c -> c.has("gateway_event")).forEach(c ->
                assertThat(c.at("/choices/0/delta").isEmpty()).isTrue());

        HttpResponse<String> collected = openai.complete(alice, OpenAiHttp.body(request(false,
                msg("user", "please use a tool"))), Map.of("X-Gateway-Runtime-Events", "extension"));
        JsonNode completion = OpenAiHttp.json(collected.body());
        assertThat(completion.get("gateway_events").findValuesAsText("type")).contains("skill_call", "mcp_result");
        assertThat(completion.get("model").asText()).isNotBlank();
    }

    @Test
    void historyIsPassedToTheDirectLlmPath() throws Exception {
        // the stand-in counts prompt tokens as the words of every message it receives
        JsonNode alone = OpenAiHttp.json(openai.complete(carol, request(false, msg("user", "hello"))).body());
        JsonNode withHistory = OpenAiHttp.json(openai.complete(carol, request(false,
                msg("system", "you are terse"), msg("user", "first question here"), msg("assistant", "an answer"),
                msg("user", "hello"))).body());

        assertThat(alone.at("/usage/prompt_tokens").asInt()).isEqualTo(1);
        assertThat(withHistory.at("/usage/prompt_tokens").asInt()).isEqualTo(1 + 3 + 3 + 2);
        assertThat(withHistory.at("/choices/0/message/content").asText()).startsWith("Stand-in reply to \"hello\"");
    }

    @Test
    void historyIsPassedToTheLegacyPath() throws Exception {
        JsonNode alone = OpenAiHttp.json(openai.complete(alice, request(false, msg("user", "hello"))).body());
        JsonNode withHistory = OpenAiHttp.json(openai.complete(alice, request(false,
                msg("developer", "you are terse"), msg("user", "first question here"), msg("assistant", "an answer"),
                msg("user", "hello"))).body());

        assertThat(withHistory.at("/usage/prompt_tokens").asInt() - alone.at("/usage/prompt_tokens").asInt())
                .isEqualTo(3 + 3 + 2);
    }

    @Test
    void pathFailureBeforeTheFirstChunkIsAnHttpErrorInOpenAisShape() throws Exception {
        Streamed s = openai.stream(carol, request(true, msg("user", "[[standin fail=http_500]] hi")), Map.of());

        assertThat(s.status()).isEqualTo(502);
        assertThat(s.header("x-gateway-path")).isEqualTo("direct_llm");
        JsonNode error = OpenAiHttp.json(s.errorBody()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("server_error");
        assertThat(error.get("code").asText()).isEqualTo("upstream_error");
        assertThat(error.get("param").isNull()).isTrue();

        // legacy falls back before its first event (OpenAiFallbackIT); direct_llm has no fallback
        HttpResponse<String> collected = openai.complete(carol,
                request(false, msg("user", "[[standin fail=http_500]] hi")));
        assertOpenAiError(collected, 502, "server_error", "upstream_error");
        assertThat(collected.headers().firstValue("x-gateway-path")).hasValue("direct_llm");

        HttpResponse<String> timedOut = openai.complete(carol,
                request(false, msg("user", "[[standin first_byte_delay_ms=10000]] hi")));
        assertOpenAiError(timedOut, 504, "server_error", "upstream_timeout");
    }

    @Test
    void pathFailureAfterTheFirstChunkIsAnErrorChunkAndNoDone() throws Exception {
        Streamed s = openai.stream(carol,
                request(true, msg("user", "[[standin chunks=10 fail=mid_stream_after_3]] hi")), Map.of());

        assertThat(s.status()).isEqualTo(200);
        assertThat(s.data()).doesNotContain("[DONE]");
        List<JsonNode> chunks = s.chunks();
        JsonNode last = chunks.get(chunks.size() - 1);
        assertThat(last.has("choices")).isFalse();
        assertThat(last.at("/error/code").asText()).isEqualTo("upstream_disconnected");
        assertThat(last.at("/error/type").asText()).isEqualTo("server_error");
        assertThat(last.at("/error/message").asText()).isNotBlank();
        assertThat(last.get("error").has("param")).isTrue();
        assertThat(chunks.subList(1, chunks.size() - 1))
                .allMatch(c -> c.at("/choices/0/delta/content").isTextual())
                .hasSize(3);
        Map<String, Object> record = awaitUsageRecord(s.header("x-gateway-request-id"));
        assertThat(record.get("status")).isEqualTo("failed");
        assertThat(record.get("error_code")).isEqualTo("upstream_disconnected");
    }

    @Test
    void badRequestsAre400InOpenAisShape() throws Exception {
        assertOpenAiError(openai.complete(carol, Map.of("model", "m")), 400, "invalid_request_error",
                "missing_required_parameter");
        HttpResponse<String> badRole = openai.complete(carol, request(false, msg("wizard", "hi")));
        assertOpenAiError(badRole, 400, "invalid_request_error", "invalid_role");
        assertThat(OpenAiHttp.json(badRole.body()).at("/error/param").asText()).isEqualTo("messages[0].role");
        assertOpenAiError(openai.complete(carol, Map.of("messages", "hi")), 400, "invalid_request_error", "invalid_type");
        Map<String, Object> badStream = request(false, msg("user", "hi"));
        badStream.put("stream", "yes");
        assertOpenAiError(openai.complete(carol, badStream), 400, "invalid_request_error", "invalid_type");
        assertOpenAiError(openai.complete(carol, "{\"messages\": [", Map.of()), 400, "invalid_request_error",
                "malformed_json");
        String huge = "x".repeat(1_100_000);
        assertOpenAiError(openai.complete(carol, request(false, msg("user", huge))), 413, "invalid_request_error",
                "body_too_large");
    }

    @Test
    void rejectedRequestsLeaveNoTurnBehind() throws Exception {
        // earlier tests' turns of u-carol write their usage record after their stream ended: wait until it settles
        Integer before = jdbc.queryForObject("SELECT count(*) FROM usage_records WHERE user_id = 'u-carol'", Integer.class);
        for (Integer settled = -1; !before.equals(settled); ) {
            settled = before;
            Thread.sleep(300);
            before = jdbc.queryForObject("SELECT count(*) FROM usage_records WHERE user_id = 'u-carol'", Integer.class);
        }
        openai.complete(carol, request(false, msg("wizard", "hi")));
        Thread.sleep(200);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM usage_records WHERE user_id = 'u-carol'", Integer.class))
                .isEqualTo(before);
    }

    @Test
    void authenticationFailuresAre401InOpenAisShape() throws Exception {
        assertOpenAiError(openai.complete(null, request(false, msg("user", "hi"))), 401, "authentication_error",
                "unauthorized");
        assertOpenAiError(openai.complete("not-a-jwt", request(false, msg("user", "hi"))), 401,
                "authentication_error", "unauthorized");
        assertOpenAiError(openai.complete("sk-gw-" + "A".repeat(43), request(false, msg("user", "hi"))), 401,
                "authentication_error", "invalid_api_key");
    }

    @Test
    void modelsAreListed() throws Exception {
        HttpResponse<String> list = openai.get("/v1/models", carol);
        assertThat(list.statusCode()).isEqualTo(200);
        JsonNode body = OpenAiHttp.json(list.body());
        assertThat(body.get("object").asText()).isEqualTo("list");
        assertThat(body.get("data").findValuesAsText("id")).contains("chat-gateway");
        assertThat(body.at("/data/0/object").asText()).isEqualTo("model");

        assertThat(OpenAiHttp.json(openai.get("/v1/models/chat-gateway", carol).body()).get("id").asText())
                .isEqualTo("chat-gateway");
        HttpResponse<String> missing = openai.get("/v1/models/nope", carol);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(OpenAiHttp.json(missing.body()).at("/error/type").asText()).isEqualTo("invalid_request_error"); // as OpenAI
        assertThat(OpenAiHttp.json(missing.body()).at("/error/code").asText()).isEqualTo("model_not_found");
        assertThat(openai.get("/v1/models", null).statusCode()).isEqualTo(401);
    }
}

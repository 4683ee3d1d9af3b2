package io.chatgw.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.openai.OpenAiProperties.RuntimeEvents;
import io.chatgw.relay.RelayEvent;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Relay events -> chat.completion.chunk payloads, and -> one chat.completion. */
class CompletionStreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TURN = "6f1c2a4e-0000-4000-8000-000000000001";
    private long nextId = 1_000_000_001L;

    private RelayEvent event(String type, Map<String, ?> data) {
        return event(type, data, TURN);
    }

    private RelayEvent event(String type, Map<String, ?> data, String turn) {
        try {
            return new RelayEvent(nextId++, type, JSON.writeValueAsString(data), turn);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private RelayEvent route() {
        return event("route", Map.of("path", "direct_llm", "reason", "user_mode", "request_id", TURN));
    }

    private RelayEvent text(String delta) {
        return event("text", Map.of("delta", delta));
    }

    private RelayEvent done() {
        return event("done", Map.of("path", "direct_llm", "request_id", TURN, "model", "standin-1",
                "usage", Map.of("prompt_tokens", 3, "completion_tokens", 2, "total_tokens", 5)));
    }

    private RelayEvent error(String code) {
        return event("error", Map.of("code", code, "message", "it broke", "path", "direct_llm", "request_id", TURN,
                "usage", Map.of("prompt_tokens", 3, "completion_tokens", 1, "total_tokens", 4)));
    }

    private CompletionStream stream(boolean includeUsage, RuntimeEvents events) {
        return new CompletionStream(JSON, new CompletionChunks(JSON, TURN, 1_700_000_000L, includeUsage), TURN, events,
                () -> "model-so-far");
    }

    private static List<String> feed(CompletionStream stream, RelayEvent... events) {
        List<String> out = new ArrayList<>();
        for (RelayEvent e : events) {
            out.addAll(stream.accept(e));
        }
        return out;
    }

    private static JsonNode json(String payload) {
        try {
            return JSON.readTree(payload);
        } catch (Exception e) {
            throw new UncheckedIOException(new java.io.IOException(payload, e));
        }
    }

    @Test
    void roleThenEachContentChunkThenAFinishChunkThenDone() {
        CompletionStream stream = stream(false, RuntimeEvents.OMIT);
        List<String> out = feed(stream, route(), text("Hel"), text("lo"), done());

        assertThat(out).hasSize(5).last().isEqualTo("[DONE]");
        JsonNode role = json(out.get(0));
        JsonNode first = json(out.get(1));
        JsonNode second = json(out.get(2));
        JsonNode finish = json(out.get(3));
        assertThat(role.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(role.at("/choices/0/delta/content").asText()).isEmpty();
        assertThat(first.at("/choices/0/delta/content").asText()).isEqualTo("Hel");
        assertThat(first.at("/choices/0/finish_reason").isNull()).isTrue();
        assertThat(second.at("/choices/0/delta/content").asText()).isEqualTo("lo");
        assertThat(second.at("/choices/0/finish_reason").isNull()).isTrue();
        assertThat(finish.at("/choices/0/delta").isEmpty()).isTrue();
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        for (String chunk : out.subList(0, 4)) {
            JsonNode c = json(chunk);
            assertThat(c.get("id").asText()).isEqualTo("chatcmpl-6f1c2a4e000040008000000000000001");
            assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(c.get("created").asLong()).isEqualTo(1_700_000_000L);
            assertThat(c.has("usage")).as("no usage field unless asked for").isFalse();
            assertThat(c.at("/choices/0/index").asInt()).isZero();
        }
        assertThat(out.subList(0, 4)).as("every chunk names the model the first one named")
                .allSatisfy(chunk -> assertThat(json(chunk).get("model").asText()).isEqualTo("model-so-far"));
        assertThat(stream.finished()).isTrue();
        assertThat(stream.failure()).isNull();
        assertThat(stream.path()).isEqualTo("direct_llm");
    }

    @Test
    void usageChunkOnlyWhenAskedForWithEmptyChoices() {
        List<String> with = feed(stream(true, RuntimeEvents.OMIT), route(), text("a"), done());
        assertThat(with).hasSize(5);
        JsonNode usage = json(with.get(3));
        assertThat(usage.get("choices").isArray() && usage.get("choices").isEmpty()).isTrue();
        assertThat(usage.at("/usage/prompt_tokens").asInt()).isEqualTo(3);
        assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(2);
        assertThat(usage.at("/usage/total_tokens").asInt()).isEqualTo(5);
        assertThat(json(with.get(1)).get("usage").isNull()).as("other chunks carry usage: null").isTrue();
        assertThat(with.get(4)).isEqualTo("[DONE]");

        List<String> without = feed(stream(false, RuntimeEvents.OMIT), route(), text("a"), done());
        assertThat(without).hasSize(4);
        assertThat(without).noneMatch(p -> p.contains("\"usage\""));
    }

    @Test
    void errorBeforeAnythingWasSentIsAFailureWithoutPayload() {
        CompletionStream stream = stream(true, RuntimeEvents.OMIT);
        List<String> out = feed(stream, route(), event("plan_step", Map.of("step", 1, "title", "think")),
                error("upstream_timeout"));

        assertThat(out).isEmpty();
        assertThat(stream.started()).isFalse();
        assertThat(stream.finished()).isTrue();
        assertThat(stream.failure().status()).isEqualTo(504);
        assertThat(stream.failure().type()).isEqualTo("server_error");
        assertThat(stream.failure().code()).isEqualTo("upstream_timeout");
    }

    @Test
    void errorAfterTheFirstChunkIsAnInBandErrorAndNoDone() {
        CompletionStream stream = stream(true, RuntimeEvents.OMIT);
        List<String> out = feed(stream, route(), text("a"), text("b"), error("upstream_disconnected"));

        assertThat(out).hasSize(4).doesNotContain("[DONE]");
        assertThat(json(out.get(2)).at("/choices/0/delta/content").asText()).isEqualTo("b");
        assertThat(json(out.get(2)).at("/choices/0/finish_reason").isNull()).isTrue();
        JsonNode error = json(out.get(3)).get("error");
        assertThat(error.get("code").asText()).isEqualTo("upstream_disconnected");
        assertThat(error.get("type").asText()).isEqualTo("server_error");
        assertThat(error.get("message").asText()).isEqualTo("it broke");
        assertThat(error.has("param")).isTrue();
        assertThat(stream.accept(done())).as("nothing after the end").isEmpty();
    }

    @Test
    void runtimeEventsAreOmittedByDefaultAndAnExtensionWhenAskedFor() {
        RelayEvent skill = event("skill_call", Map.of("call_id", "c1", "name", "search", "arguments", Map.of("q", "x")));

        List<String> omitted = feed(stream(false, RuntimeEvents.OMIT), route(), skill, text("a"), done());
        assertThat(omitted).hasSize(4).noneMatch(p -> p.contains("gateway_event"));

        nextId = 1_000_000_001L;
        List<String> extended = feed(stream(false, RuntimeEvents.EXTENSION), route(), text("a"), skill, done());
        // role, "a" (sent at once), the event, the finish chunk, [DONE]
        assertThat(extended).hasSize(5);
        assertThat(json(extended.get(1)).at("/choices/0/delta/content").asText()).isEqualTo("a");
        JsonNode ext = json(extended.get(2));
        assertThat(ext.at("/gateway_event/type").asText()).isEqualTo("skill_call");
        assertThat(ext.at("/gateway_event/data/name").asText()).isEqualTo("search");
        assertThat(ext.at("/choices/0/delta").isEmpty()).isTrue();
        JsonNode finish = json(extended.get(3));
        assertThat(finish.at("/choices/0/delta").isEmpty()).isTrue();
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void eachTextGoesOutTheMomentItArrivesNeverHeldForTheNextEvent() {
        CompletionStream stream = stream(false, RuntimeEvents.OMIT);
        feed(stream, route());

        List<String> first = stream.accept(text("lorem "));
        assertThat(first).hasSize(2);
        assertThat(json(first.get(1)).at("/choices/0/delta/content").asText()).isEqualTo("lorem ");
        List<String> second = stream.accept(text("ipsum"));
        assertThat(second).singleElement()
                .satisfies(c -> assertThat(json(c).at("/choices/0/delta/content").asText()).isEqualTo("ipsum"));
    }

    @Test
    void aFallbackNamesTheAnsweringPathAndSendsNothing() {
        CompletionStream stream = stream(false, RuntimeEvents.EXTENSION);
        List<String> out = feed(stream, route(), event("fallback", Map.of("from", "legacy", "to", "direct_llm",
                "reason", "http_5xx")));

        assertThat(out).isEmpty();
        assertThat(stream.started()).isFalse();
        assertThat(stream.path()).isEqualTo("direct_llm");
        assertThat(stream.fallbackFrom()).isEqualTo("legacy");
    }

    @Test
    void beginStartsTheStreamWithoutContentOnce() {
        CompletionStream stream = stream(false, RuntimeEvents.OMIT);
        feed(stream, route());
        List<String> begun = stream.begin();
        assertThat(begun).hasSize(1);
        assertThat(json(begun.get(0)).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(stream.begin()).isEmpty();
        List<String> rest = feed(stream, text("a"), error("upstream_timeout"));
        // started: a later failure is in-band
        assertThat(rest).hasSize(2);
        assertThat(json(rest.get(1)).at("/error/code").asText()).isEqualTo("upstream_timeout");
    }

    @Test
    void anEmptyAnswerStillHasRoleFinishAndDone() {
        List<String> out = feed(stream(false, RuntimeEvents.OMIT), route(), done());
        assertThat(out).hasSize(3);
        assertThat(json(out.get(0)).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(json(out.get(1)).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(out.subList(0, 2)).as("nothing was sent before done: its model names them all")
                .allSatisfy(chunk -> assertThat(json(chunk).get("model").asText()).isEqualTo("standin-1"));
    }

    @Test
    void eventsOfOtherTurnsAreIgnoredAndLostEventsEndTheStream() {
        CompletionStream stream = stream(false, RuntimeEvents.OMIT);
        assertThat(stream.accept(event("text", Map.of("delta", "other"), "another-turn"))).isEmpty();
        assertThat(stream.started()).isFalse();
        feed(stream, text("a"));
        List<String> out = stream.accept(new RelayEvent(RelayEvent.NO_ID, "resync", "{}", null));
        assertThat(out).hasSize(1);
        assertThat(json(out.get(0)).at("/error/code").asText()).isEqualTo("stream_interrupted");
        assertThat(stream.finished()).isTrue();
    }

    @Test
    void collectorBuildsOneChatCompletion() {
        CompletionCollector collector = new CompletionCollector(JSON,
                new CompletionChunks(JSON, TURN, 1_700_000_000L, false), TURN, RuntimeEvents.EXTENSION, () -> "m");
        for (RelayEvent e : List.of(route(), event("mcp_call", Map.of("call_id", "c", "name", "fs")), text("Hel"),
                text("lo"))) {
            assertThat(collector.accept(e)).isFalse();
        }
        assertThat(collector.accept(done())).isTrue();

        JsonNode completion = JSON.valueToTree(collector.completion());
        assertThat(completion.get("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.get("id").asText()).startsWith("chatcmpl-");
        assertThat(completion.get("model").asText()).isEqualTo("standin-1");
        assertThat(completion.at("/choices/0/message/role").asText()).isEqualTo("assistant");
        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("Hello");
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(completion.at("/usage/total_tokens").asInt()).isEqualTo(5);
        assertThat(completion.at("/gateway_events/0/type").asText()).isEqualTo("mcp_call");
        assertThat(collector.path()).isEqualTo("direct_llm");
    }

    @Test
    void collectorFailsOnAnErrorWhateverCameBefore() {
        CompletionCollector collector = new CompletionCollector(JSON,
                new CompletionChunks(JSON, TURN, 1_700_000_000L, false), TURN, RuntimeEvents.OMIT, () -> "m");
        collector.accept(route());
        collector.accept(text("partial"));
        assertThat(collector.accept(error("path_unavailable"))).isTrue();
        assertThat(collector.completion()).isNull();
        assertThat(collector.failure().status()).isEqualTo(503);
        assertThat(collector.failure().body()).containsKey("error");
    }

    private RelayEvent toolCall(int index, String id) {
        return event("tool_call", Map.of("index", index, "id", id, "name", "get_weather", "arguments", "{\"city\":\"Oslo\"}"));
    }

    private RelayEvent doneWith(String finishReason) {
        return event("done", Map.of("path", "direct_llm", "request_id", TURN, "model", "standin-1",
                "finish_reason", finishReason, "usage", Map.of("prompt_tokens", 3, "completion_tokens", 2, "total_tokens", 5)));
    }

    @Test
    void toolCallsAreStreamedAsIndexedDeltasEndingWithFinishReasonToolCalls() {
        List<JsonNode> out = feed(stream(false, RuntimeEvents.OMIT), route(), toolCall(0, "c1"), toolCall(1, "c2"),
                doneWith("tool_calls")).stream().filter(p -> !p.equals("[DONE]")).map(CompletionStreamTest::json).toList();
        assertThat(out).hasSize(4);
        assertThat(out.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(out.get(0).at("/choices/0/delta/content").isNull()).isTrue();
        JsonNode call = out.get(2).at("/choices/0/delta/tool_calls/0");
        assertThat(call.get("index").asInt()).isEqualTo(1);
        assertThat(call.get("id").asText()).isEqualTo("c2");
        assertThat(call.get("type").asText()).isEqualTo("function");
        assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
        assertThat(call.at("/function/arguments").asText()).isEqualTo("{\"city\":\"Oslo\"}");
        assertThat(out.get(3).at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    }

    @Test
    void textLogprobsGoOutWithTheirChunkAndAreJoinedInTheCompletion() {
        Map<String, Object> entry = Map.of("token", "Hi", "logprob", 0.0, "bytes", List.of(72, 105), "top_logprobs", List.of());
        RelayEvent withLogprobs = event("text", Map.of("delta", "Hi", "logprobs", List.of(entry)));
        List<String> out = feed(stream(false, RuntimeEvents.OMIT), route(), withLogprobs);
        assertThat(json(out.get(1)).at("/choices/0/logprobs/content/0/token").asText()).isEqualTo("Hi");
        assertThat(json(out.get(1)).at("/choices/0/logprobs/refusal").isNull()).isTrue();

        CompletionCollector collector = new CompletionCollector(JSON,
                new CompletionChunks(JSON, TURN, 1_700_000_000L, false), TURN, RuntimeEvents.OMIT, () -> "m");
        List.of(route(), withLogprobs, event("text", Map.of("delta", "!", "logprobs", List.of(entry))), done())
                .forEach(collector::accept);
        JsonNode completion = JSON.valueToTree(collector.completion());
        assertThat(completion.at("/choices/0/logprobs/content")).hasSize(2);
        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("Hi!");
    }

    @Test
    void collectorPutsToolCallsInTheMessageWithNullContent() {
        CompletionCollector collector = new CompletionCollector(JSON,
                new CompletionChunks(JSON, TURN, 1_700_000_000L, false), TURN, RuntimeEvents.OMIT, () -> "m");
        List.of(route(), toolCall(0, "c1"), doneWith("tool_calls")).forEach(collector::accept);
        JsonNode completion = JSON.valueToTree(collector.completion());
        assertThat(completion.at("/choices/0/message/content").isNull()).isTrue();
        assertThat(completion.at("/choices/0/message/tool_calls/0/id").asText()).isEqualTo("c1");
        assertThat(completion.at("/choices/0/message/tool_calls/0/index").isMissingNode()).isTrue();
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(completion.at("/choices/0/logprobs").isNull()).isTrue();
    }
}

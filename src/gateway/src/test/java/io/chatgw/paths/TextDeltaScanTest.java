package io.chatgw.paths;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.upstream.SseEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Text deltas read without a JSON tree ({@link TextDeltaScan}) give the client the same bytes as the tree did: on a
 * corpus of upstream payloads (the common shapes, escapes, unicode, and every shape the scan must hand to the tree),
 * each mapping's events, with their data serialized as the relay serializes it for the SSE {@code data:} line, are
 * compared with those of the tree path ({@code mapTree}). The common shapes must be taken by the scan, so the
 * comparison is not of the tree with itself.
 */
class TextDeltaScanTest {

    private final ObjectMapper json = new ObjectMapper();

    private static String chunk(String delta) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1764590400,\"model\":\"standin-1\","
                + "\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"logprobs\":null,\"finish_reason\":null}]}";
    }

    /** Text chunks in the common shape: the scan reads them. */
    private static final List<String> COMMON_LLM = List.of(
            chunk("{\"content\":\"lorem \"}"),
            chunk("{\"role\":\"assistant\",\"content\":\"\"}"),
            chunk("{\"role\":\"assistant\",\"content\":null}"),
            chunk("{\"content\":\"say \\\"hi\\\"\\n\\t\\\\ \\/ \\b\\f\\r end\"}"),
            chunk("{\"content\":\"\\u00e9\\u4e16\\u754c \\ud83d\\ude00 \\u0000\\u001f \\u2028\\u2029\"}"),
            chunk("{\"content\":\"héllo 世界 😀 ∑ \u0080\"}"),
            chunk("{\"content\":\"\\ud800 lone high, \\udc00 lone low\"}"),
            chunk("{\"content\":\"<script>&amp;</script> ' \\u0027\"}"),
            chunk("{\"content\":\" \",\"refusal\":null,\"tool_calls\":null}"),
            "{\"choices\":[{\"delta\":{\"content\":\"no envelope\"}}]}",
            "  {\n  \"choices\" : [ { \"delta\" : { \"content\" : \"pretty\\nprinted\" } } ]\n}  ",
            "{\"choices\":[{\"delta\":{\"content\":\"first\"}},{\"delta\":{\"content\":\"second\"},\"finish_reason\":\"stop\"}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\",\"extra\":{\"a\":[1,{\"b\":\"c\"}]}},\"meta\":[null]}],"
                    + "\"usage\":null,\"error\":null,\"x\":{\"y\":[1,2,3]}}",
            "{\"choices\":[]}",
            "{\"id\":\"no choices\"}");

    /** Payloads the scan must hand to the tree (a field that matters, a duplicate, another type, bad JSON). */
    private static final List<String> OTHER_LLM = List.of(
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"end\"},\"finish_reason\":\"stop\"}]}",
            "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":7},\"model\":\"m\"}",
            "{\"choices\":[{\"delta\":{\"content\":\"p\"},\"logprobs\":{\"content\":[{\"token\":\"p\",\"logprob\":0}]}}]}",
            "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}}]}",
            "{\"error\":{\"message\":\"rate limited\"}}",
            "{\"choices\":[{\"delta\":{\"content\":\"one\",\"content\":\"two\"}}]}",
            "{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"choices\":[{\"delta\":{\"content\":\"b\"}}]}",
            "{\"choices\":[{\"delta\":{\"content\":\"a\"},\"delta\":{\"content\":\"b\"}}]}",
            "{\"choices\":[{\"delta\":{\"content\":5}}]}",
            "{\"choices\":[{\"delta\":\"text\"}]}",
            "{\"choices\":[\"text\"]}",
            "{\"choices\":{\"0\":{\"delta\":{\"content\":\"obj\"}}}}",
            "{\"choices\":[{\"delta\":{\"content\":\"x\"}}]} trailing",
            "{\"choices\":[{\"delta\":{\"content\":\"x\"}}]} {\"second\":1}",
            "{\"choices\":[{\"delta\":{\"content\":\"unterminated}}]}",
            "[1,2]",
            "\"just a string\"",
            "not json at all",
            "");

    private static final List<String> COMMON_TOKENS = List.of(
            "{\"text\":\"lorem \"}",
            "{\"text\":\"\"}",
            "{\"text\":\"say \\\"hi\\\"\\n\\u00e9 \\ud83d\\ude00 世界\",\"logprobs\":null}",
            "{\"seq\":4,\"text\":\"x\",\"meta\":{\"a\":[1,2]}}");

    private static final List<String> OTHER_TOKENS = List.of(
            "{\"text\":\"p\",\"logprobs\":[{\"token\":\"p\",\"logprob\":-0.1}]}",
            "{\"text\":\"a\",\"text\":\"b\"}",
            "{\"text\":7}",
            "{\"text\":null}",
            "{\"other\":\"no text\"}",
            "{\"text\":\"x\"} more",
            "{broken");

    /** What the client gets of each event: its type and its data as the relay serializes it; other outcomes as they are. */
    private List<String> wire(List<PathOutcome> outcomes) throws JsonProcessingException {
        List<String> out = new ArrayList<>();
        for (PathOutcome o : outcomes) {
            out.add(o instanceof PathOutcome.Publish p ? p.type() + "\n" + json.writeValueAsString(p.data()) : o.toString());
        }
        return out;
    }

    @Test
    void llmChunksGiveTheClientTheSameBytesWithAndWithoutTheTree() throws Exception {
        for (String payload : concat(COMMON_LLM, OTHER_LLM)) {
            List<PathOutcome> scanned = new LlmChunkMapping(json).map(new SseEvent(null, "message", payload));
            List<PathOutcome> tree = new LlmChunkMapping(json).mapTree(payload.trim());
            assertThat(wire(scanned)).as(payload).isEqualTo(wire(tree));
            assertThat(scanned).as(payload).isEqualTo(tree);
        }
    }

    @Test
    void legacyTokensGiveTheClientTheSameBytesWithAndWithoutTheTree() throws Exception {
        LegacyEventMapping mapping = new LegacyEventMapping(json);
        for (String payload : concat(COMMON_TOKENS, OTHER_TOKENS)) {
            SseEvent event = new SseEvent(null, "token", payload);
            assertThat(wire(mapping.map(event))).as(payload).isEqualTo(wire(mapping.mapTree(event)));
            assertThat(mapping.map(event)).as(payload).isEqualTo(mapping.mapTree(event));
        }
    }

    @Test
    void theCommonShapesAreReadByTheScanAndTheOthersLeftToTheTree() {
        assertThat(COMMON_LLM).allSatisfy(p -> assertThat(TextDeltaScan.llmContent(json, p.trim())).as(p).isNotNull());
        assertThat(OTHER_LLM).allSatisfy(p -> assertThat(TextDeltaScan.llmContent(json, p.trim())).as(p).isNull());
        assertThat(COMMON_TOKENS).allSatisfy(p -> assertThat(TextDeltaScan.legacyText(json, p)).as(p).isNotNull());
        assertThat(OTHER_TOKENS).allSatisfy(p -> assertThat(TextDeltaScan.legacyText(json, p)).as(p).isNull());
        assertThat(TextDeltaScan.llmContent(json, chunk("{\"content\":\"\\u00e9\\ud83d\\ude00\"}"))).isEqualTo("é😀");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}

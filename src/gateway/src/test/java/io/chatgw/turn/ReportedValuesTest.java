package io.chatgw.turn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** What a path reports is checked before it reaches a record: replaced, never wrapped, the problem named. */
class ReportedValuesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ReportedValues.Checked<Usage> usage(String json) throws Exception {
        return ReportedValues.usage(JSON.readTree(json), "prompt_tokens", "completion_tokens");
    }

    @Test
    void validTokenCountsAreKeptAndMissingOnesAreZero() throws Exception {
        assertThat(usage("{\"prompt_tokens\": 12, \"completion_tokens\": 2147483647}"))
                .isEqualTo(new ReportedValues.Checked<>(new Usage(12, Integer.MAX_VALUE), null));
        assertThat(usage("{}").value()).isEqualTo(Usage.NONE);
        assertThat(usage("{}").problem()).isNull();
        assertThat(ReportedValues.usage(null, "a", "b").value()).isEqualTo(Usage.NONE);
    }

    @Test
    void negativeNonIntegerAndOversizedCountsAreReplacedNeverWrapped() throws Exception {
        ReportedValues.Checked<Usage> negative = usage("{\"prompt_tokens\": -4, \"completion_tokens\": 3}");
        assertThat(negative.value()).isEqualTo(new Usage(0, 3));
        assertThat(negative.problem()).contains("prompt_tokens is negative (-4)");

        ReportedValues.Checked<Usage> wrapped = usage("{\"prompt_tokens\": 4294967301, \"completion_tokens\": 18446744073709551617}");
        assertThat(wrapped.value()).isEqualTo(new Usage(Integer.MAX_VALUE, Integer.MAX_VALUE)); // 2^32+5 is not 5
        assertThat(wrapped.problem()).contains("prompt_tokens is over 2147483647").contains("completion_tokens is over");

        ReportedValues.Checked<Usage> text = usage("{\"prompt_tokens\": \"12\", \"completion_tokens\": 1.5}");
        assertThat(text.value()).isEqualTo(Usage.NONE);
        assertThat(text.problem()).contains("prompt_tokens is not an integer").contains("completion_tokens is not an integer");
    }

    @Test
    void theTotalOfTwoLargeCountsDoesNotWrap() {
        assertThat(new Usage(Integer.MAX_VALUE, Integer.MAX_VALUE).totalTokens()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aModelIsCutToItsColumnAndCleanedOfControlCharacters() {
        assertThat(ReportedValues.model("gpt-4o")).isEqualTo(new ReportedValues.Checked<>("gpt-4o", null));
        ReportedValues.Checked<String> longModel = ReportedValues.model("m".repeat(101));
        assertThat(longModel.value()).hasSize(100);
        assertThat(longModel.problem()).contains("longer than 100");
        assertThat(ReportedValues.model("a\nb").value()).isEqualTo("a?b");
        assertThat(ReportedValues.model(null).value()).isNull();
    }

    @Test
    void anErrorCodeOutsideTheCodeAlphabetIsReplacedByTheFallback() {
        assertThat(ReportedValues.errorCode("llm_error", "plane_error").value()).isEqualTo("llm_error");
        assertThat(ReportedValues.errorCode("c".repeat(80), "plane_error")).satisfies(c -> {
            assertThat(c.value()).isEqualTo("plane_error");
            assertThat(c.problem()).contains("error code");
        });
        assertThat(ReportedValues.errorCode("x\nforged", "plane_error").problem()).doesNotContain("\n");
        assertThat(ReportedValues.errorCode(null, "plane_error").value()).isEqualTo("plane_error");
    }

    @Test
    void aFinishReasonIsOneWordOrNone() {
        assertThat(ReportedValues.finishReason("tool_calls").value()).isEqualTo("tool_calls");
        assertThat(ReportedValues.finishReason("STOP NOW\n").value()).isNull();
        assertThat(ReportedValues.finishReason("STOP NOW\n").problem()).contains("finish_reason");
    }

    @Test
    void anUpstreamMessageIsCut() {
        assertThat(ReportedValues.message("x".repeat(5000))).hasSize(ReportedValues.MESSAGE_MAX + 3);
        assertThat(ReportedValues.message(null)).isEmpty();
    }
}

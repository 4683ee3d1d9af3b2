package io.chatgw.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.core.GatewayException;
import io.chatgw.openai.OpenAiProperties.RuntimeEvents;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Fuzz target for the body of {@code POST /v1/chat/completions} ({@link ParseCompletionRequest}) and its
 * {@code X-Gateway-Runtime-Events} header. {@code mvn verify} replays the checked-in corpus
 * (CompletionRequestBodyFuzzTestInputs/); {@code bench/fuzz} mutates it.
 */
class CompletionRequestBodyFuzzTest {

    private static final ParseCompletionRequest PARSER = new ParseCompletionRequest(new ObjectMapper(),
            new OpenAiProperties(true, List.of("chat-gateway"), false, Map.of(), 1 << 20, 64, "X-Session-Id", true,
                    RuntimeEvents.OMIT, Duration.ofSeconds(15), Duration.ofSeconds(10), Map.of(),
                    new OpenAiProperties.ApiKeys(Duration.ofSeconds(60)),
                    new OpenAiProperties.EphemeralSessions(Duration.ofHours(24), Duration.ofMinutes(10), 1000)));

    @FuzzTest
    void anyCompletionRequestBodyIsEitherARequestOrAClientError(byte[] body) {
        check(body, null);
    }

    @FuzzTest
    void anyCompletionRequestWithAnyRuntimeEventsHeaderIsEitherARequestOrAClientError(FuzzedDataProvider data) {
        String header = data.consumeBoolean() ? null : data.consumeString(40);
        check(data.consumeRemainingAsBytes(), header);
    }

    private static void check(byte[] body, String runtimeEventsHeader) {
        CompletionRequest request;
        try {
            request = PARSER.parse("application/json", body, runtimeEventsHeader);
        } catch (GatewayException e) {
            assertThat(e.status()).as("status of %s", e.code()).isBetween(400, 499);
            assertThat(e.code()).isNotBlank();
            return;
        }
        assertThat(request.message()).isNotNull().doesNotContain("\u0000"); // StrictJson refuses NUL in any text
        if (request.user() != null) {
            assertThat(request.user()).doesNotContain("\u0000");
        }
        assertThat(request.history()).isNotNull();
        assertThat(request.continuation()).isNotNull();
        assertThat(request.parameters()).isNotNull();
        assertThat(request.runtimeEvents()).isNotNull();
    }
}

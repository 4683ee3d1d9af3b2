package io.chatgw.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.core.GatewayException;

/**
 * Fuzz target for the body of {@code POST /api/v1/sessions/{id}/messages} ({@link ParseChatMessage}).
 * {@code mvn verify} replays the checked-in corpus (ChatMessageBodyFuzzTestInputs/); {@code bench/fuzz} mutates it.
 */
class ChatMessageBodyFuzzTest {

    private static final ParseChatMessage PARSER = new ParseChatMessage(new ObjectMapper());

    @FuzzTest
    void anyChatMessageBodyIsEitherAMessageOrAClientError(byte[] body) {
        String message;
        try {
            message = PARSER.parse("application/json", body);
        } catch (GatewayException e) {
            assertThat(e.status()).as("status of %s", e.code()).isBetween(400, 499);
            assertThat(e.code()).isNotBlank();
            return;
        }
        assertThat(message).isNotBlank().doesNotContain("\u0000"); // StrictJson refuses NUL in any text
    }
}

package io.chatgw.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The one way JSON request bodies are read: what is accepted, and the code and field of each refusal. */
class StrictJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static void refused(byte[] body, String code, String field) {
        assertThatThrownBy(() -> StrictJson.readObject(JSON, body))
                .isInstanceOfSatisfying(TextInputs.Refused.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.field()).isEqualTo(field);
                });
    }

    private static void refused(String body, String code, String field) {
        refused(body.getBytes(StandardCharsets.UTF_8), code, field);
    }

    @Test
    void oneObjectWithTrailingWhitespaceIsAccepted() {
        assertThat(StrictJson.readObject(JSON, "{\"a\": [\"x\", {\"b\": \"\u00e9\ud83d\ude00\"}]}\r\n ".getBytes(StandardCharsets.UTF_8))
                .at("/a/1/b").asText()).isEqualTo("\u00e9\ud83d\ude00");
    }

    @Test
    void trailingGarbageASecondDocumentDuplicateKeysAndCommentsAreMalformed() {
        refused("{\"a\": 1} x", "malformed_json", null);
        refused("{\"a\": 1}{\"a\": 2}", "malformed_json", null);
        refused("{\"a\": 1, \"a\": 2}", "malformed_json", null);
        refused("/* c */ {\"a\": 1}", "malformed_json", null);
        refused("[{\"a\": 1}]", "malformed_json", null);
    }

    @Test
    void overlongEncodedSurrogatesAndStrayBytesAreInvalidUtf8() {
        refused(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0x80, '"', '}'}, "invalid_utf8", null);
        refused(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'}, "invalid_utf8", null);
        refused(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, '"', '}'}, "invalid_utf8", null);
    }

    @Test
    void aNulAnywhereIsRefusedNamingItsField() {
        refused("{\"agent_id\": \"\\u0000\"}", "nul_character", "agent_id");
        refused("{\"messages\": [{\"content\": \"x\"}, {\"content\": \"a\\u0000\"}]}", "nul_character", "messages[1].content");
        refused("{\"a\\u0000\": 1}", "nul_character", "field name");
    }
}

package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.GatewayTestBase;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Unknown paths and wrong methods answer in the API's own error shape, not Spring's. */
class ErrorShapesIT extends GatewayTestBase {

    private JsonNode nativeError(HttpResponse<String> r, int status, String code) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode error = errorOf(r);
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(JSON.readTree(r.body()).size()).isEqualTo(1);
        return error;
    }

    private JsonNode openAiError(HttpResponse<String> r, int status, String type, String code) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode error = errorOf(r);
        assertThat(error.get("type").asText()).isEqualTo(type);
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(error.has("param")).isTrue();
        return error;
    }

    @Test
    void unknownPathsAre404InTheNativeShape() throws Exception {
        nativeError(client.send("GET", "/nope", null, null, null), 404, "not_found");
        nativeError(client.send("POST", "/api/v1/nope", tokenFor("u-alice", "org-acme"), null, null), 404, "not_found");
    }

    @Test
    void aKnownPathWithTheWrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> r = client.send("GET", "/api/v1/vm-tokens", null, null, null);
        nativeError(r, 405, "method_not_allowed");
        assertThat(r.headers().firstValue("Allow").orElse("")).isEqualTo("POST");
        nativeError(client.send("DELETE", "/api/v1/sessions/x/events", null, null, null), 405, "method_not_allowed");
    }

    @Test
    void underV1TheErrorsAreInOpenAisShape() throws Exception {
        openAiError(client.send("GET", "/v1/nope", null, null, null), 404, "not_found_error", "not_found");
        HttpResponse<String> r = client.send("GET", "/v1/chat/completions", null, null, null);
        openAiError(r, 405, "invalid_request_error", "method_not_allowed");
        assertThat(r.headers().firstValue("Allow").orElse("")).isEqualTo("POST");
        openAiError(client.send("DELETE", "/v1/models", null, null, null), 405, "invalid_request_error",
                "method_not_allowed");
    }
}

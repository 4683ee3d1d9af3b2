package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import io.chatgw.support.OpenAiHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Models as the SDKs see them: GET /v1/models[/{id}] for the configured models and aliases, an unknown model in a
 * completion is 404 model_not_found, and an alias (config/application-dev.yaml: fast = direct_llm + standin-fast,
 * big = standin-big on the router's path) pins the path and the upstream model.
 */
class OpenAiModelsIT extends OpenAiTestBase {

    private OpenAIClient sdk(String token) {
        return OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(token)
                .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
    }

    @Test
    void theConfiguredModelsAndAliasesAreListedAndRetrievable() throws Exception {
        OpenAIClient sdk = sdk(carol);
        List<String> ids = new ArrayList<>();
        sdk.models().list().autoPager().forEach((Model m) -> ids.add(m.id()));
        assertThat(ids).containsExactly("chat-gateway", "big", "fast");
        assertThat(sdk.models().retrieve("fast").id()).isEqualTo("fast");
        assertThatThrownBy(() -> sdk.models().retrieve("gpt-9"))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).hasValue("model_not_found"));
        sdk.close();
    }

    @Test
    void anUnknownModelInACompletionIsA404ModelNotFoundInOpenAisShape() throws Exception {
        Map<String, Object> body = request(false, msg("user", "hi"));
        body.put("model", "gpt-9");
        HttpResponse<String> r = openai.complete(carol, body);
        assertOpenAiError(r, 404, "invalid_request_error", "model_not_found");
        assertThat(OpenAiHttp.json(r.body()).at("/error/param").asText()).isEqualTo("model");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM usage_records WHERE request_id = ?::uuid", Integer.class,
                r.headers().firstValue("x-request-id").orElseThrow())).isZero(); // refused before any turn

        OpenAIClient sdk = sdk(carol);
        assertThatThrownBy(() -> sdk.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-9")
                .addUserMessage("hi").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).hasValue("model_not_found"));
        sdk.close();
    }

    @Test
    void anAliasPinsItsPathAndUpstreamModelOverTheUsersMode() throws Exception {
        Map<String, Object> body = request(false, msg("user", "hi"));
        body.put("model", "fast");
        HttpResponse<String> r = openai.complete(alice, body); // alice's own mode is legacy
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-gateway-path")).hasValue("direct_llm");
        assertThat(OpenAiHttp.json(r.body()).get("model").asText()).isEqualTo("standin-fast");
        Map<String, Object> record = awaitUsageRecord(r.headers().firstValue("x-request-id").orElseThrow());
        assertThat(record.get("path")).isEqualTo("direct_llm");
        assertThat(record.get("model")).isEqualTo("standin-fast");
    }

    @Test
    void anAliasWithOnlyAModelKeepsTheRoutersPathAndAsksItsLlmForThatModel() throws Exception {
        Map<String, Object> body = request(false, msg("user", "hi"));
        body.put("model", "big");
        for (String[] caller : new String[][] {{alice, "legacy"}, {carol, "direct_llm"},
                {tokenFor("u-bob", "org-acme"), "new"}}) {
            HttpResponse<String> r = openai.complete(caller[0], body);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-gateway-path")).hasValue(caller[1]);
            JsonNode completion = OpenAiHttp.json(r.body());
            assertThat(completion.get("model").asText()).as(caller[1]).isEqualTo("standin-big");
        }
    }
}

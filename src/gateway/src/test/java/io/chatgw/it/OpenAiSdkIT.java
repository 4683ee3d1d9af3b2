package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.SseException;
import com.openai.errors.UnauthorizedException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.OpenAiHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK (com.openai:openai-java), unmodified, against the running gateway: only the base
 * URL and the key differ from talking to OpenAI. Both an issued API key and a user JWT work as the key.
 */
class OpenAiSdkIT extends GatewayTestBase {

    private static final String EXPECTED = "Stand-in reply to \"count\": token-1 token-2 token-3 token-4";

    private String apiKey;   // u-carol: direct_llm

    @BeforeEach
    void issueKey() throws Exception {
        String admin = tokenFor("u-admin", "org-acme", "admin");
        var created = new OpenAiHttp(port).send("POST", "/api/v1/admin/api-keys", admin,
                OpenAiHttp.body(Map.of("user_id", "u-carol", "name", "sdk test")));
        assertThat(created.statusCode()).isEqualTo(201);
        apiKey = OpenAiHttp.json(created.body()).get("key").asText();
    }

    private OpenAIClient client(String key) {
        return OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + port + "/v1")
                .apiKey(key)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    private static ChatCompletionCreateParams.Builder params(String message) {
        return ChatCompletionCreateParams.builder().model("chat-gateway").addUserMessage(message);
    }

    @Test
    void nonStreamedCallWithAnApiKey() {
        OpenAIClient sdk = client(apiKey);
        HttpResponseFor<ChatCompletion> raw = sdk.chat().completions().withRawResponse()
                .create(params("[[standin chunks=5]] count").build());

        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.headers().values("x-gateway-path")).containsExactly("direct_llm");
        ChatCompletion completion = raw.parse();
        completion.validate();   // every field the SDK's model requires is there, with the right type
        assertThat(completion.model()).isEqualTo("standin-1");
        assertThat(completion.choices()).hasSize(1);
        assertThat(completion.choices().get(0).message().content()).hasValue(EXPECTED);
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.usage()).hasValueSatisfying(u -> {
            assertThat(u.completionTokens()).isEqualTo(5);
            assertThat(u.totalTokens()).isEqualTo(u.promptTokens() + 5);
        });
        sdk.close();
    }

    @Test
    void streamedCallWithAJwtAndTheUsageChunk() {
        OpenAIClient sdk = client(tokenFor("u-carol", "org-acme"));
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(
                params("[[standin chunks=5 delay_ms=1]] count")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                chunk.validate();
                chunks.add(chunk);
                accumulator.accumulate(chunk);
            });
        }

        assertThat(chunks).extracting(ChatCompletionChunk::id).containsOnly(chunks.get(0).id());
        assertThat(chunks.get(0).choices().get(0).delta().role()).isPresent();
        ChatCompletionChunk usage = chunks.get(chunks.size() - 1);
        assertThat(usage.choices()).isEmpty();
        assertThat(usage.usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isEqualTo(5));
        ChatCompletion assembled = accumulator.chatCompletion();
        assertThat(assembled.choices().get(0).message().content()).hasValue(EXPECTED);
        assertThat(assembled.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(assembled.model()).isEqualTo("standin-1");
        sdk.close();
    }

    @Test
    void streamedCallWithoutTheUsageChunkAndWithHistoryOnTheLegacyPath() {
        OpenAIClient sdk = client(tokenFor("u-alice", "org-acme"));
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("chat-gateway")
                        .addSystemMessage("be brief")
                        .addUserMessage("what is up")
                        .addAssistantMessage("not much")
                        .addUserMessage("please use a tool").build())) {
            stream.stream().forEach(chunk -> {
                chunks.add(chunk);
                chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
            });
        }
        assertThat(text.toString()).isNotBlank();
        assertThat(chunks).allSatisfy(c -> assertThat(c.usage()).isEmpty());
        assertThat(chunks).allSatisfy(c -> assertThat(c.choices()).hasSize(1));
        assertThat(chunks.get(chunks.size() - 1).choices().get(0).finishReason())
                .hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
        sdk.close();
    }

    @Test
    void runtimeEventsAsAnExtensionAreKeptByTheSdkAsAdditionalProperties() {
        OpenAIClient sdk = client(tokenFor("u-alice", "org-acme"));
        List<String> types = new ArrayList<>();
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(
                params("please use a tool").putAdditionalHeader("X-Gateway-Runtime-Events", "extension").build())) {
            stream.stream().forEach(chunk -> {
                chunk.validate();
                accumulator.accumulate(chunk);
                var event = chunk._additionalProperties().get("gateway_event");
                if (event != null) {
                    types.add(event.convert(com.fasterxml.jackson.databind.JsonNode.class).get("type").asText());
                }
            });
        }
        assertThat(types).contains("skill_call", "skill_result", "mcp_call", "mcp_result");
        assertThat(accumulator.chatCompletion().choices().get(0).message().content()).hasValueSatisfying(
                text -> assertThat(text).isNotBlank());
        sdk.close();
    }

    @Test
    void errorsSurfaceAsTheSdksExceptions() {
        OpenAIClient sdk = client(apiKey);
        // before the answer: an HTTP status, mapped by the SDK to its exception classes
        assertThatThrownBy(() -> client("sk-gw-" + "C".repeat(43)).chat().completions().create(params("hi").build()))
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                    assertThat(e.code()).hasValue("invalid_api_key");
                    assertThat(e.type()).hasValue("authentication_error");
                });
        assertThatThrownBy(() -> sdk.chat().completions().create(params("hi").n(2).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).hasValue("n"));
        assertThatThrownBy(() -> sdk.chat().completions().create(params("[[standin fail=http_500]] hi").build()))
                .isInstanceOfSatisfying(InternalServerException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(502);
                    assertThat(e.code()).hasValue("upstream_error");
                });
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> s = sdk.chat().completions().createStreaming(
                    params("[[standin fail=http_500]] hi").build())) {
                s.stream().forEach(c -> { });
            }
        }).isInstanceOf(InternalServerException.class);

        // after the first chunk: the in-band error chunk ends the SDK's stream with an exception
        List<String> received = new ArrayList<>();
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> s = sdk.chat().completions().createStreaming(
                    params("[[standin chunks=10 fail=mid_stream_after_3]] hi").build())) {
                s.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(received::add)));
            }
        }).isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
            assertThat(e).isInstanceOf(SseException.class);
            assertThat(e.code()).hasValue("upstream_disconnected");
        });
        assertThat(String.join("", received)).startsWith("Stand-in reply to");
        sdk.close();
    }

    @Test
    void modelsAreListedThroughTheSdk() {
        OpenAIClient sdk = client(apiKey);
        List<String> ids = new ArrayList<>();
        sdk.models().list().autoPager().forEach((Model m) -> ids.add(m.id()));
        assertThat(ids).contains("chat-gateway");
        assertThat(sdk.models().retrieve("chat-gateway").id()).isEqualTo("chat-gateway");
        sdk.close();
    }
}

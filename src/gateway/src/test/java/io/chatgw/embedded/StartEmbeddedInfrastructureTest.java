package io.chatgw.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.runtime.RuntimeOptions;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class StartEmbeddedInfrastructureTest {

    @Test
    void theEmbeddedRuntimeCallsTheLlmWithTheConfiguredKeyAndModel() {
        MockEnvironment env = new MockEnvironment()
                .withProperty("gateway.llm.api-key", "sk-provider-key")
                .withProperty("gateway.llm.model", "gpt-4o-mini");

        RuntimeOptions options = StartEmbeddedInfrastructure.legacyRuntimeOptions(env, "https://api.example.com/");

        assertThat(options.getLlmBaseUrl()).isEqualTo("https://api.example.com");
        assertThat(options.getLlmApiKey()).isEqualTo("sk-provider-key");
        assertThat(options.getModel()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void withoutKeyOrModelTheRuntimeSendsNoKeyAndItsDefaultModel() {
        RuntimeOptions options = StartEmbeddedInfrastructure.legacyRuntimeOptions(
                new MockEnvironment().withProperty("gateway.llm.api-key", ""), "http://127.0.0.1:1234");

        assertThat(options.getLlmApiKey()).isNull();
        assertThat(options.getModel()).isEqualTo(RuntimeOptions.DEFAULT_MODEL);
    }
}

package io.chatgw.it;

import io.chatgw.support.GatewayTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** A legacy runtime nobody listens on (port 1 refuses connections): a connect error falls back to the direct LLM. */
@TestPropertySource(properties = "gateway.legacy.base-url=http://127.0.0.1:1")
class LegacyUnreachableIT extends GatewayTestBase {

    @Test
    void aLegacyRuntimeThatRefusesConnectionsFallsBackToTheDirectLlm() throws Exception {
        String token = tokenFor("u-alice", "org-acme");

        FallbackIT.assertFellBack(chat(token, newSession(token), "hello?"), "legacy", "direct_llm", "connect_error");
    }
}

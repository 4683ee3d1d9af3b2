package io.chatgw.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.core.GatewayException;
import io.chatgw.core.PathUnavailable;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient.Event;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * run-path and the path routes with Camel's test kit: legacy-path's processor is replaced by one that fails the
 * way a test says, and the direct_llm path is watched through a mock endpoint, so what the YAML routes do with
 * each failure is seen at the route level (the end-to-end cases are FallbackIT). Its own, advised context.
 */
@DirtiesContext
@TestPropertySource(properties = "gateway.test.context=run-path-advised")
class RunPathRouteIT extends GatewayTestBase {

    /** What the advised legacy processor throws next. */
    static volatile RuntimeException nextLegacyFailure;

    @Autowired
    CamelContext camel;

    private static boolean advised;

    @BeforeEach
    void advise() throws Exception {
        if (advised) {
            MockEndpoint.resetMocks(camel);
            return;
        }
        advised = true;
        AdviceWith.adviceWith(camel, "legacy-path", a -> a.weaveById("start-legacy").replace()
                .process(exchange -> {
                    throw nextLegacyFailure;
                }));
        AdviceWith.adviceWith(camel, "direct-llm-path", a -> a.weaveById("start-direct-llm").before()
                .to("mock:direct-llm-path"));
        MockEndpoint.resetMocks(camel);
    }

    @Test
    void aPathUnavailableFromTheLegacyProcessorGoesThroughTheFallbackToTheDirectLlmRoute() throws Exception {
        nextLegacyFailure = new PathUnavailable("upstream_error", PathUnavailable.HTTP_5XX, "advised: 503");
        MockEndpoint llm = camel.getEndpoint("mock:direct-llm-path", MockEndpoint.class);
        llm.expectedMessageCount(1);
        llm.expectedPropertyReceived("path", "direct_llm");
        NotifyBuilder ran = new NotifyBuilder(camel).fromCurrentRoute("run-path").whenDone(1).create();

        String token = tokenFor("u-alice", "org-acme");
        List<Event> events = chat(token, newSession(token), "hi");

        assertThat(ran.matches(10, TimeUnit.SECONDS)).isTrue();
        llm.assertIsSatisfied();
        assertThat(events).extracting(Event::type).startsWith("route", "fallback").endsWith("done");
        assertThat(events.get(1).json().get("reason").asText()).isEqualTo("http_5xx");
    }

    @Test
    void aFailureThatIsNotUnavailabilityNeverReachesTheFallbackRoute() throws Exception {
        nextLegacyFailure = GatewayException.upstream("runtime_error", "advised: the runtime reported a failure");
        MockEndpoint llm = camel.getEndpoint("mock:direct-llm-path", MockEndpoint.class);
        llm.expectedMessageCount(0);

        String token = tokenFor("u-alice", "org-acme");
        List<Event> events = chat(token, newSession(token), "hi");

        llm.assertIsSatisfied();
        assertThat(events).extracting(Event::type).containsExactly("route", "error");
        assertThat(events.get(1).json().get("code").asText()).isEqualTo("runtime_error");
    }
}

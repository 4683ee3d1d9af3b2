package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.OpenAiHttp;
import io.chatgw.support.SseClient.Event;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Client errors and expected path failures are answered, not logged as ERRORs (no Camel "Failed delivery"). */
class QuietExpectedErrorsIT extends GatewayTestBase {

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void capture() {
        logged.start();
        root.addAppender(logged);
    }

    @AfterEach
    void release() {
        root.detachAppender(logged);
    }

    @Test
    void expectedFailuresLogNoError() throws Exception {
        String token = tokenFor("u-carol", "org-acme");
        String session = newSession(token);
        OpenAiHttp openai = new OpenAiHttp(port);

        assertThat(client.send("POST", "/api/v1/sessions", null, null, null).statusCode()).isEqualTo(401);
        assertThat(client.send("POST", "/api/v1/sessions/" + session + "/messages", token, "application/json",
                "{\"message\": ".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(400);
        assertThat(client.send("POST", "/api/v1/sessions/" + UUID.randomUUID() + "/messages", token, "application/json",
                "{\"message\": \"hi\"}".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(404);
        assertThat(openai.complete(token, Map.of("messages", List.of(Map.of("role", "wizard", "content", "hi"))))
                .statusCode()).isEqualTo(400);
        assertThat(openai.complete("sk-gw-" + "A".repeat(43), Map.of("messages", List.of(Map.of("role", "user", "content", "hi"))))
                .statusCode()).isEqualTo(401);
        List<Event> failed = chat(token, session, "[[standin fail=http_500]] hi");
        assertThat(failed.get(failed.size() - 1).type()).isEqualTo("error");

        List<String> errors = logged.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                .filter(e -> e.getLoggerName().startsWith("org.apache.camel") || e.getLoggerName().startsWith("io.chatgw"))
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage())
                .toList();
        assertThat(errors).isEmpty();
    }
}

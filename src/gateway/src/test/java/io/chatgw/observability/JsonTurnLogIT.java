package io.chatgw.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.support.GatewayTestBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.yaml.snakeyaml.Yaml;

/**
 * The `json-logs` profile's format (config/application-json-logs.yaml) applied to the running gateway's per-turn log
 * line: one JSON object per turn whose fields a log query can select (errors of one org, slow turns, fallbacks).
 */
class JsonTurnLogIT extends GatewayTestBase {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private Logger turnLog;
    private AppenderBase<ILoggingEvent> appender;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void captureTurnLinesInTheProfilesFormat() throws Exception {
        Map<String, Object> profile = new Yaml().load(Files.readString(Path.of("config/application-json-logs.yaml")));
        String format = (String) ((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) profile.get("logging"))
                .get("structured")).get("format")).get("console");
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        StructuredLogEncoder encoder = new StructuredLogEncoder();
        encoder.setFormat(format);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.setContext(context);
        encoder.start();
        appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                lines.add(new String(encoder.encode(event), StandardCharsets.UTF_8));
            }
        };
        appender.setContext(context);
        appender.start();
        turnLog = context.getLogger("io.chatgw.turn.TurnLog");
        turnLog.addAppender(appender);
    }

    @AfterEach
    void stopCapturing() {
        turnLog.detachAppender(appender);
    }

    @Test
    void everyEndedTurnIsOneJsonLineWithItsFieldsSelectableByALogQuery() throws Exception {
        String carol = tokenFor("u-carol", "org-acme");
        List<?> done = chat(carol, newSession(carol), "hello");
        String alice = tokenFor("u-alice", "org-acme");
        chat(alice, newSession(alice), "[[runtime fail=http_503]] hi");                 // falls back to direct_llm
        chat(carol, newSession(carol), "[[standin fail=http_500]] hi");                 // fails: direct_llm has no fallback

        await().atMost(Duration.ofSeconds(10)).until(() -> lines.size() >= 3);
        List<JsonNode> turns = lines.stream().map(l -> {
            assertThat(l).as("one line per event").endsWith("\n").doesNotContain("\n\n");
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + l, e);
            }
        }).toList();

        JsonNode completed = turns.stream().filter(t -> t.path("user").asText().equals("u-carol")
                && t.path("outcome").asText().equals("completed")).findFirst().orElseThrow();
        assertThat(completed.get("message").asText()).startsWith("chat turn ended request_id=");
        assertThat(completed.get("level").asText()).isEqualTo("INFO");
        for (String field : List.of("request_id", "session", "user", "org", "path", "reason", "outcome", "first_event_ms",
                "duration_ms", "tokens_in", "tokens_out")) {
            assertThat(completed.has(field)).as(field + " in " + completed).isTrue();
        }
        assertThat(completed.get("org").asText()).isEqualTo("org-acme");
        assertThat(completed.get("path").asText()).isEqualTo("direct_llm");
        assertThat(completed.get("reason").asText()).isEqualTo("user_mode");
        assertThat(completed.get("tokens_out").asLong()).isPositive();
        assertThat(completed.get("first_event_ms").asLong()).isBetween(0L, completed.get("duration_ms").asLong());
        assertThat(completed.has("error")).isFalse();

        // the operations.md queries: fallbacks, errors of one org
        assertThat(turns).filteredOn(t -> t.path("fallback_from").asText().equals("legacy"))
                .singleElement().satisfies(t -> assertThat(t.get("path").asText()).isEqualTo("direct_llm"));
        assertThat(turns).filteredOn(t -> t.path("org").asText().equals("org-acme") && t.path("outcome").asText().equals("failed"))
                .singleElement().satisfies(t -> assertThat(t.get("error").asText()).isNotBlank());
        assertThat(done).isNotEmpty();
    }
}

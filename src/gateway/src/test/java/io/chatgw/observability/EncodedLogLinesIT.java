package io.chatgw.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import io.chatgw.support.GatewayTestBase;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Log lines are encoded (config/application.yaml logging.pattern.console): a value from outside with CR, LF or another
 * control character in a message cannot forge a line. Through the console appender the running gateway really uses.
 */
class EncodedLogLinesIT extends GatewayTestBase {

    @Test
    void aMessageArgumentWithNewlinesAndControlCharactersStaysOnOneLine() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        OutputStreamAppender<?> console = null;
        for (Iterator<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<?> a && a.getName().equals("CONSOLE")) {
                console = a;
            }
        }
        assertThat(console).as("the console appender").isNotNull();
        @SuppressWarnings("unchecked")
        ch.qos.logback.core.encoder.Encoder<ch.qos.logback.classic.spi.ILoggingEvent> encoder =
                (ch.qos.logback.core.encoder.Encoder<ch.qos.logback.classic.spi.ILoggingEvent>) console.getEncoder();
        LoggingEvent event = new LoggingEvent(getClass().getName(), context.getLogger("io.chatgw.test"), Level.WARN,
                "plane error code={} message={}", null,
                new Object[] {"x\n2026-12-01T00:00:00.000Z ERROR --- forged line", "bell\u0007 cr\r esc\u001b[31m tab\tkept"});
        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

        assertThat(line).endsWith("\n");
        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n").doesNotContain("\r").doesNotContain("\u001b");
        assertThat(line).contains("code=x\\n2026-12-01T00:00:00.000Z ERROR --- forged line")
                .contains("bell? cr\\r esc?[31m tab\tkept");
    }
}

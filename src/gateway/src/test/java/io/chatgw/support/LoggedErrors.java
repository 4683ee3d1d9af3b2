package io.chatgw.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/** What was logged at ERROR while a test ran ({@code @RegisterExtension final LoggedErrors errors = ...}). */
public final class LoggedErrors implements BeforeEachCallback, AfterEachCallback {

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        logged.list.clear();
        logged.start();
        root().addAppender(logged);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        root().detachAppender(logged);
    }

    /** Each ERROR since the test began, as "logger: message". */
    public List<String> lines() {
        return logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
    }
}

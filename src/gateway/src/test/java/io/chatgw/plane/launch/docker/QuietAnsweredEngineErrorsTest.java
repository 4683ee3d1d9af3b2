package io.chatgw.plane.launch.docker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class QuietAnsweredEngineErrorsTest {

    private final QuietAnsweredEngineErrors filter = new QuietAnsweredEngineErrors();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger client = (Logger) LoggerFactory.getLogger(QuietAnsweredEngineErrors.CLIENT_LOGGER);

    @BeforeEach
    void install() {
        filter.install();
        logged.start();
        client.addAppender(logged);
    }

    @AfterEach
    void uninstall() {
        client.detachAppender(logged);
        filter.uninstall();
    }

    @Test
    void theEngineClientsErrorLineForAnAnswerOfTheEngineIsDroppedItsCallerHasTheException() {
        client.error("Error during callback", new NotFoundException("No such container: chatgw-x-u-1"));
        client.error("Error during callback", new NotModifiedException(""));

        assertThat(logged.list).isEmpty();
    }

    @Test
    void theEngineClientsOwnFailuresAndOtherLoggersAreStillLogged() {
        client.error("Error during callback", new IOException("Connection reset by peer"));
        client.error("Error during callback");
        Logger other = (Logger) LoggerFactory.getLogger("io.chatgw.plane.launch.docker.DockerLauncher");
        other.addAppender(logged);
        try {
            other.error("could not start", new NotFoundException("No such image: chatgw/execution-plane:local"));
        } finally {
            other.detachAppender(logged);
        }

        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("Error during callback", "Error during callback", "could not start");
    }

    @Test
    void itStaysInstalledWhenLoggingIsInitialisedAgainAsEachNewSpringContextDoes() {
        ch.qos.logback.classic.LoggerContext context = new ch.qos.logback.classic.LoggerContext(); // not the tests' own
        QuietAnsweredEngineErrors own = new QuietAnsweredEngineErrors();
        own.installInto(context);
        context.reset();
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        Logger logger = context.getLogger(QuietAnsweredEngineErrors.CLIENT_LOGGER);
        logger.addAppender(seen);

        logger.error("Error during callback", new NotFoundException("No such container: chatgw-x-u-1"));
        logger.error("Error during callback", new IOException("Connection reset by peer"));

        assertThat(seen.list).extracting(e -> e.getThrowableProxy().getClassName()).containsExactly("java.io.IOException");
    }
}

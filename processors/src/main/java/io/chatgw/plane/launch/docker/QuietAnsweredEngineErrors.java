package io.chatgw.plane.launch.docker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import com.github.dockerjava.api.exception.DockerException;
import jakarta.annotation.PostConstruct;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.springframework.stereotype.Component;

/**
 * The engine client (docker-java) logs every error answer of the engine as an ERROR with a stack trace
 * ({@code ResultCallbackTemplate}: "Error during callback"), before handing it to its caller, even those the gateway
 * expects and answers: a 404 when the old container of a user's name is removed before a create or a claim (there
 * usually is none), a 304 when a container is stopped that had stopped. Who logs: the caller, a route's
 * {@code doCatch} or a processor, which sees the same exception. So an engine's answer (a {@link DockerException},
 * which carries an HTTP status) is not logged there; the client's own failures (the socket gone, a broken events
 * stream: an {@code IOException}) still are, since nothing else logs those.
 */
@Component
public class QuietAnsweredEngineErrors extends TurboFilter implements LoggerContextListener {

    static final String CLIENT_LOGGER = "com.github.dockerjava.api.async.ResultCallbackTemplate";

    @PostConstruct
    void install() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            installInto(context);
        }
    }

    /**
     * Once per logging context, and never taken out when a Spring context closes: it holds no state, and in a JVM
     * with several Spring contexts (the tests) each new one initialises logging again, dropping the filter an earlier
     * one installed; the one it installs must outlive it.
     */
    void installInto(LoggerContext context) {
        if (context.getTurboFilterList().stream().noneMatch(QuietAnsweredEngineErrors.class::isInstance)) {
            setName(getClass().getSimpleName());
            start();
            context.addTurboFilter(this);
        }
        if (!context.getCopyOfListenerList().contains(this)) {
            context.addListener(this); // a reset that keeps reset-resistant listeners puts it back (onReset)
        }
    }

    /** Takes this one out (a test's own). */
    void uninstall() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.removeListener(this);
            context.getTurboFilterList().remove(this);
        }
    }

    @Override
    public boolean isResetResistant() {
        return true;
    }

    @Override
    public void onReset(LoggerContext context) {
        installInto(context);
    }

    @Override
    public void onStart(LoggerContext context) {
    }

    @Override
    public void onStop(LoggerContext context) {
    }

    @Override
    public void onLevelChange(Logger logger, Level level) {
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        return logger != null && CLIENT_LOGGER.equals(logger.getName()) && t instanceof DockerException
                ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}

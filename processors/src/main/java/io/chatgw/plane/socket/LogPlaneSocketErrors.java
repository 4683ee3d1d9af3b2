package io.chatgw.plane.socket;

import io.vertx.core.http.HttpClosedException;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Socket errors of the /ws/vm consumer: a plane dropping its connection is routine (the CLOSE event handles
 * it) and logged at debug; anything else is a warning.
 */
@Component("logPlaneSocketErrors")
public class LogPlaneSocketErrors implements ExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(LogPlaneSocketErrors.class);

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        if (exception instanceof HttpClosedException) {
            log.debug("plane socket closed: {}", exception.getMessage());
        } else {
            log.warn("plane socket error: {}", exception == null ? message : exception.toString(), exception);
        }
    }
}

package io.chatgw.relay;

/** A client's queue filled up: the client is dropped, the session's events stay in the ring buffer. */
public class SlowClientException extends RuntimeException {
    public SlowClientException(String message) {
        super(message, null, false, false);
    }
}

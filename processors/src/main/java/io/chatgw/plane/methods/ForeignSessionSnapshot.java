package io.chatgw.plane.methods;

/**
 * A snapshot for a session that is not the plane's user's (none stored, routes/plane.yaml's store-snapshot): answered
 * with an {@code error} frame {@code foreign_session}.
 */
public class ForeignSessionSnapshot extends io.chatgw.plane.socket.PlaneFrameException {

    public ForeignSessionSnapshot(String message) {
        super("foreign_session", message);
    }
}

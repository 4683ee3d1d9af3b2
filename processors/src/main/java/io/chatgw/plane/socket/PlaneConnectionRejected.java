package io.chatgw.plane.socket;

/** A /ws/vm connection that is not admitted: closed with 1008 and this message as the reason. */
public class PlaneConnectionRejected extends RuntimeException {

    public PlaneConnectionRejected(String reason) {
        super(reason, null, false, false);
    }
}

package io.chatgw.plane.socket;

/** A frame the gateway does not accept: answered with an {@code error} frame of this code. */
public class PlaneFrameException extends RuntimeException {
    private final String code;

    public PlaneFrameException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}

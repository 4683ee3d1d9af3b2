package io.chatgw.plane.socket;

/**
 * A frame the gateway does not accept: answered with an {@code error} frame of this code. A bad frame counts towards
 * the plane's flooding limit; a refusal for load ({@code too_many_requests}) does not.
 */
public class PlaneFrameException extends RuntimeException {
    private final String code;
    private final boolean badFrame;

    public PlaneFrameException(String code, String message) {
        this(code, message, true);
    }

    public PlaneFrameException(String code, String message, boolean badFrame) {
        super(message, null, false, false);
        this.code = code;
        this.badFrame = badFrame;
    }

    public String code() {
        return code;
    }

    public boolean isBadFrame() {
        return badFrame;
    }
}

package io.chatgw.plane.methods;

/** A request the gateway could not serve: answered with {@code response ok=false} and this code. */
public class PlaneMethodException extends RuntimeException {
    private final String code;

    public PlaneMethodException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}

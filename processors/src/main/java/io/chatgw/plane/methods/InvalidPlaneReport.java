package io.chatgw.plane.methods;

/**
 * A fire_and_forget report with a value the gateway does not accept ({@link PlaneReports}): answered with an
 * {@code error} frame {@code invalid_report} after the report was recorded, marked invalid (routes/plane.yaml).
 */
public class InvalidPlaneReport extends io.chatgw.plane.socket.PlaneFrameException {

    public InvalidPlaneReport(String message) {
        super("invalid_report", message);
    }
}

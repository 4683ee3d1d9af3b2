package io.chatgw.turn;

/**
 * How a turn ended: {@code completed}, or {@code failed} with the code and message of its {@code error} event.
 * Set once by {@link Turns}; with the turn's runs it is everything the usage records, metrics and log lines read.
 */
public record TurnOutcome(String status, String errorCode, String message) {

    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
    /** A usage record's status (never a turn's): the answer completed after its client had gone. */
    public static final String CLIENT_DISCONNECTED = "client_disconnected";

    static TurnOutcome completed() {
        return new TurnOutcome(COMPLETED, null, null);
    }

    static TurnOutcome failed(String code, String message) {
        return new TurnOutcome(FAILED, code, message);
    }

    public boolean isCompleted() {
        return COMPLETED.equals(status);
    }
}

package io.chatgw.relay;

/**
 * One event on a session's stream. {@code data} is the JSON text sent as the SSE {@code data:} line,
 * serialized once when published and shared by every client that receives it.
 *
 * @param id     per-session, strictly increasing; {@link #NO_ID} for control events (resync) that carry none
 * @param turnId the request that produced it, so a POST stream can end with its own turn
 * @param originNanos when it arrived from its source ({@link System#nanoTime()}), for relay latency; 0 if untracked
 */
public record RelayEvent(long id, String type, String data, String turnId, long originNanos) {

    public RelayEvent(long id, String type, String data, String turnId) {
        this(id, type, data, turnId, 0);
    }

    public static final long NO_ID = -1;

    public static final String DONE = "done";
    public static final String ERROR = "error";
    public static final String RESYNC = "resync";

    /** done and error end a turn. */
    public boolean endsTurn() {
        return DONE.equals(type) || ERROR.equals(type);
    }
}

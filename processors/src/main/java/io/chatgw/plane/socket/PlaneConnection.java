package io.chatgw.plane.socket;

import io.chatgw.plane.link.PlaneLink;
import io.vertx.core.http.ServerWebSocket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One WebSocket of a plane, from OPEN to CLOSE: its frames run one after another on {@link #frames}
 * (in arrival order), its snapshots are stored one after another on {@link #snapshots} (beside the frames, so a
 * write that waits on PostgreSQL never holds the plane's events), and its {@link PlaneLink} once admitted. A
 * plane that reconnects gets a new
 * connection; frames and callbacks of an older one are ignored ({@link PlaneLink#isCurrent}).
 *
 * <p>Backpressure: frames waiting here are counted; past {@code gateway.plane.frame-queue-high-water}
 * the socket is paused (Vert.x stops reading it, so TCP pushes back on the plane) and resumed once half
 * of that has been handled.
 */
public final class PlaneConnection {

    /** Exchange properties of the routes that handle a connection's frames. */
    public static final String CONNECTION = "planeConnection";
    /** The connection's link, set once {@link ReadPlaneFrame} found the connection admitted and current. */
    public static final String LINK = "planeLink";
    /** {@link System#nanoTime()} when the frame came off the socket, before any queue. */
    public static final String ARRIVED = "planeFrameArrived";

    final String key;
    final ServerWebSocket socket;
    final SerialExecutor frames;
    final SerialExecutor snapshots;
    private final AtomicLong queued = new AtomicLong();
    private final int highWater;
    private boolean paused;
    /** Set once admitted (token verified, vm_id owned, attached). */
    volatile PlaneLink link;
    volatile boolean closed;
    /** Rejected frames of the current audit window ({@link PlaneRejectionAudit}). */
    final RejectionTally rejections = new RejectionTally();

    public PlaneConnection(String key, ServerWebSocket socket, SerialExecutor frames, SerialExecutor snapshots,
                           int highWater) {
        this.key = key;
        this.socket = socket;
        this.frames = frames;
        this.snapshots = snapshots;
        this.highWater = Math.max(2, highWater);
    }

    /** A close frame's reason, cut to what fits in one (a WebSocket close reason is at most 123 bytes). */
    public static String closeReason(String reason) {
        return reason.length() > 120 ? reason.substring(0, 120) : reason;
    }

    public ServerWebSocket socket() {
        return socket;
    }

    public PlaneLink link() {
        return link;
    }

    /** Admitted: frames of this connection belong to {@code link} from now on. */
    public void admitTo(PlaneLink link) {
        this.link = link;
    }

    /** Characters of frames received and not yet handled (a snapshot's until it is stored). */
    public long backlog() {
        return queued.get();
    }

    /**
     * A frame of {@code size} characters arrived and waits its turn; pauses the socket at the high-water mark.
     * @return whether this paused the socket
     */
    public boolean queued(int size) {
        if (queued.addAndGet(Math.max(1, size)) >= highWater) {
            synchronized (this) {
                if (!paused && queued.get() >= highWater && !closed) {
                    paused = true;
                    socket.pause();
                    return true;
                }
            }
        }
        return false;
    }

    /** A frame was handled; resumes the socket once the backlog is down to half the high-water mark. */
    public void handled(int size) {
        if (queued.addAndGet(-Math.max(1, size)) <= highWater / 2) {
            synchronized (this) {
                if (paused && queued.get() <= highWater / 2) {
                    paused = false;
                    socket.resume();
                }
            }
        }
    }

    synchronized boolean paused() {
        return paused;
    }
}

package io.chatgw.plane.methods;

import io.chatgw.plane.PlaneProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Serves planes' requests (skills, memory, MCP) on the {@code gateway.plane.request-threads} threads of
 * {@code planeWorkPool}, fairly between planes: each plane has its own queue, a free thread goes to the next plane in
 * turn (round robin), and one plane runs at most {@code gateway.plane.max-concurrent-requests} at once, so one plane's
 * slow calls cannot hold every thread. A plane with {@code max-queued-requests} already waiting is refused
 * ({@link #offer} returns false: the caller answers {@code too_many_requests}).
 */
@Component
public class FairPlaneRequests {

    /** One plane's requests: waiting, and how many run. */
    private static final class PlaneQueue {
        final String vmId;
        final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
        int running;
        boolean inTurn;

        PlaneQueue(String vmId) {
            this.vmId = vmId;
        }
    }

    private final ExecutorService pool;
    private final int threads;
    private final int maxRunning;
    private final int maxWaiting;
    private final Map<String, PlaneQueue> planes = new HashMap<>();
    /** Planes with a request waiting that may start one, in turn order. */
    private final ArrayDeque<PlaneQueue> turns = new ArrayDeque<>();
    private int busy;
    private int waiting;

    public FairPlaneRequests(@Qualifier("planeWorkPool") ExecutorService pool,
                             @Value("${gateway.plane.request-threads:8}") int threads, PlaneProperties config,
                             MeterRegistry meters) {
        this.pool = pool;
        this.threads = Math.max(1, threads);
        this.maxRunning = Math.max(1, config.maxConcurrentRequests());
        this.maxWaiting = Math.max(0, config.maxQueuedRequests());
        Gauge.builder("gateway.plane.requests.waiting", this, FairPlaneRequests::waiting)
                .description("plane requests waiting for a thread (all planes)").register(meters);
    }

    /** Queues one request of plane {@code vmId}; false when that plane already has max-queued-requests waiting. */
    public synchronized boolean offer(String vmId, Runnable request) {
        PlaneQueue plane = planes.computeIfAbsent(vmId, PlaneQueue::new);
        if (plane.waiting.size() >= maxWaiting && (plane.running >= maxRunning || busy >= threads)) {
            return false;
        }
        plane.waiting.add(request);
        waiting++;
        takeTurn(plane);
        dispatch();
        return true;
    }

    synchronized int waiting() {
        return waiting;
    }

    private void takeTurn(PlaneQueue plane) {
        if (!plane.inTurn && !plane.waiting.isEmpty() && plane.running < maxRunning) {
            plane.inTurn = true;
            turns.add(plane);
        }
    }

    private void dispatch() {
        while (busy < threads && !turns.isEmpty()) {
            PlaneQueue plane = turns.poll();
            plane.inTurn = false;
            Runnable request = plane.waiting.poll();
            waiting--;
            plane.running++;
            busy++;
            takeTurn(plane); // to the back of the line: the other planes go first
            pool.execute(() -> run(plane, request));
        }
    }

    private void run(PlaneQueue plane, Runnable request) {
        try {
            request.run();
        } finally {
            synchronized (this) {
                plane.running--;
                busy--;
                if (plane.running == 0 && plane.waiting.isEmpty()) {
                    planes.remove(plane.vmId);
                } else {
                    takeTurn(plane);
                }
                dispatch();
            }
        }
    }
}

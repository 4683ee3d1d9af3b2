package io.chatgw.plane.socket;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in submission order, on a shared pool: one per plane connection, so the
 * frames of a plane are handled in the order they arrived while different planes run in parallel.
 */
public final class SerialExecutor implements Executor {

    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final Executor pool;
    private Runnable active;

    public SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(() -> {
            try {
                task.run();
            } finally {
                scheduleNext();
            }
        });
        if (active == null) {
            scheduleNext();
        }
    }

    private synchronized void scheduleNext() {
        active = tasks.poll();
        if (active != null) {
            try {
                pool.execute(active);
            } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                // the gateway is stopping: frames still arriving from closing sockets are dropped
                tasks.clear();
                active = null;
            }
        }
    }
}

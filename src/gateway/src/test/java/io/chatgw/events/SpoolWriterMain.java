package io.chatgw.events;

import java.nio.file.Path;

/**
 * A process that accepts events into a spool as fast as it can and prints each accepted event's id; the crash
 * test kills it with SIGKILL in the middle (EventSpoolCrashIT).
 */
public final class SpoolWriterMain {

    private SpoolWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        EventJournal journal = new EventJournal(Path.of(args[0]), 64L << 20, 16L << 10, false);
        EventJson json = new EventJson();
        for (int n = 0; ; n++) {
            Event e = EventPipelineSupport.event(n, 3);
            journal.append(json.write(e)); // accepted once this returns
            System.out.println("accepted " + e.id());
            System.out.flush();
        }
    }
}

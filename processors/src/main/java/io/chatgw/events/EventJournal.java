package io.chatgw.events;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local disk journal every accepted event is appended to (one JSON line each) before it goes to PostgreSQL:
 * while PostgreSQL is up it is drained within a drain interval, while it is down it is the spool. Segment files
 * {@code <number>.jsonl} in one directory (locked by this gateway: one journal per instance), bounded in total
 * bytes. A segment is sealed before it is drained and deleted only after all its events are in PostgreSQL, so a
 * crash at any point replays it (the inserts are idempotent). A line cut short by a crash is skipped.
 */
public final class EventJournal implements AutoCloseable {

    /** The journal has no room for an event: it is refused (never silently dropped). */
    public static final class SpoolFull extends IOException {
        SpoolFull(String message) {
            super(message);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(EventJournal.class);
    private static final String SUFFIX = ".jsonl";

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final boolean syncEachAppend;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final List<Segment> sealed = new ArrayList<>();
    private long nextNumber;
    private FileChannel active;
    private Segment activeSegment;
    private long totalBytes;
    private long totalEvents;
    private volatile boolean full;

    /** A sealed (or active) segment file with its size and event count. */
    public record Segment(Path path, long bytes, long events) {
    }

    public EventJournal(Path dir, long maxBytes, long segmentBytes, boolean syncEachAppend) throws IOException {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.syncEachAppend = syncEachAppend;
        Files.createDirectories(dir);
        lockChannel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        lock = lockChannel.tryLock();
        if (lock == null) {
            lockChannel.close();
            throw new IllegalStateException("event spool " + dir + " is used by another gateway process");
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).sorted().toList()) {
                long events = countLines(p);
                long bytes = Files.size(p);
                if (bytes == 0) {
                    Files.delete(p);
                    continue;
                }
                sealed.add(new Segment(p, bytes, events));
                totalBytes += bytes;
                totalEvents += events;
                nextNumber = Math.max(nextNumber, number(p) + 1);
            }
        }
        if (totalEvents > 0) {
            log.info("event spool {}: {} events ({} bytes) from before the restart, replayed into PostgreSQL",
                    dir, totalEvents, totalBytes);
        }
    }

    /** Appends one event line; {@link SpoolFull} when it does not fit in {@code max-bytes}. */
    public synchronized void append(String line) throws IOException {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        if (totalBytes + bytes.length > maxBytes) {
            full = true;
            throw new SpoolFull("event spool full (" + totalBytes + " of " + maxBytes + " bytes)");
        }
        if (active == null || activeSegment.bytes() + bytes.length > segmentBytes) {
            sealActive();
            Path p = dir.resolve(String.format("%020d%s", nextNumber++, SUFFIX));
            active = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            activeSegment = new Segment(p, 0, 0);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            active.write(buffer);
        }
        if (syncEachAppend) {
            active.force(false);
        }
        activeSegment = new Segment(activeSegment.path(), activeSegment.bytes() + bytes.length, activeSegment.events() + 1);
        totalBytes += bytes.length;
        totalEvents++;
    }

    /** The oldest sealed segment, sealing the active one first if none is sealed; null when the journal is empty. */
    public synchronized Segment oldest() throws IOException {
        if (sealed.isEmpty()) {
            sealActive();
        }
        return sealed.isEmpty() ? null : sealed.get(0);
    }

    /** Reads a sealed segment's lines in order (a trailing line without newline, cut by a crash, is skipped). */
    public void read(Segment segment, Consumer<String> lines) throws IOException {
        long size = Files.size(segment.path());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(segment.path()),
                StandardCharsets.UTF_8), 1 << 16)) {
            long offset = 0;
            String line;
            while ((line = in.readLine()) != null) {
                offset += line.getBytes(StandardCharsets.UTF_8).length + 1;
                if (offset > size) {
                    log.warn("event spool {}: skipped a line cut short by a crash ({} bytes)", segment.path(), line.length());
                    break;
                }
                if (!line.isBlank()) {
                    lines.accept(line);
                }
            }
        }
    }

    /** The segment's events are all in PostgreSQL: it goes. */
    public synchronized void delete(Segment segment) throws IOException {
        Files.deleteIfExists(segment.path());
        sealed.remove(segment);
        totalBytes -= segment.bytes();
        totalEvents -= segment.events();
        if (totalBytes < maxBytes) {
            full = false;
        }
    }

    /** Forces the active segment to disk (the periodic sync for a machine crash; a killed process loses nothing). */
    public synchronized void sync() throws IOException {
        if (active != null) {
            active.force(false);
        }
    }

    public synchronized long events() {
        return totalEvents;
    }

    public synchronized long bytes() {
        return totalBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** True since an event was refused for lack of room, until a segment was drained. */
    public boolean isFull() {
        return full;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public synchronized void close() throws IOException {
        if (active != null) {
            active.force(false);
            active.close();
            active = null;
        }
        lock.release();
        lockChannel.close();
    }

    private void sealActive() throws IOException {
        if (active == null) {
            return;
        }
        active.force(false);
        active.close();
        active = null;
        if (activeSegment.bytes() == 0) {
            Files.deleteIfExists(activeSegment.path());
        } else {
            sealed.add(activeSegment);
        }
        activeSegment = null;
    }

    private static long number(Path p) {
        String name = p.getFileName().toString();
        try {
            return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long countLines(Path p) {
        try (Stream<String> lines = Files.lines(p, StandardCharsets.UTF_8)) {
            return lines.filter(l -> !l.isBlank()).count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }
}

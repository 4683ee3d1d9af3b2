package io.chatgw.runtime.plane;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The plane's state, {@value #FILE_NAME} in the data dir: a log of JSON lines (docs/protocol.md "The reference
 * plane's state"). A save appends what changed since the last one (a header line with the plane's own fields, a line
 * per changed session, a tombstone per pruned one), so its cost follows the sessions that changed, not all the
 * plane keeps; when the appended part outgrows the last snapshot, the next write is a snapshot instead (every session,
 * to a temp file moved atomically over the log). Loading replays the lines in order (the last line of a session
 * wins); a torn last line (a crash in the middle of an append) is ignored. A data dir with the older single-object
 * {@value #OLD_FILE_NAME} is read from that file, and the first write turns it into the log.
 *
 * <p>Writes are coalesced: at most one is in flight (on a worker thread, in order); saves asked for meanwhile are
 * served by one more write of the then-current changes. What need not be on disk before the plane goes on (acks) asks
 * for {@link #saveSoon()}: written with the next write, at the latest {@value #LAZY_SAVE_MS} ms later. Used from the
 * plane's event loop only.
 */
final class StateStore {

  static final String FILE_NAME = "plane-state.jsonl";
  static final String OLD_FILE_NAME = "plane-state.json";
  static final long LAZY_SAVE_MS = 250;
  /** The appended part may grow to this, or to twice the last snapshot if that is larger, before a snapshot. */
  static final long COMPACT_MIN_BYTES = 1 << 20;

  private static final Logger LOG = Logger.getLogger(StateStore.class.getName());

  /** What a write writes. */
  interface Source {
    /** The lines of what changed since the last {@link #changes()} or {@link #snapshot()} (empty: nothing). */
    Buffer changes();

    /** The lines of the whole state. */
    Buffer snapshot();
  }

  private final Vertx vertx;
  private final Path dir;
  private final Path file;
  private final Path tempFile;
  private final Path oldFile;
  private Source source;
  private FileChannel channel;
  /** Bytes appended since the log was last a snapshot; the snapshot's size. */
  private long appended;
  private long snapshotBytes;
  /** The next write is a snapshot (nothing written since the load, or the log grew). */
  private boolean snapshotNext = true;
  private long lazyTimer = -1;
  private boolean writing;
  private List<Promise<Void>> nextWaiters = new ArrayList<>();
  private Promise<Void> idle;

  StateStore(Vertx vertx, String dataDir) {
    this.vertx = vertx;
    this.dir = Paths.get(dataDir);
    this.file = dir.resolve(FILE_NAME);
    this.tempFile = dir.resolve(FILE_NAME + ".tmp");
    this.oldFile = dir.resolve(OLD_FILE_NAME);
  }

  String file() {
    return file.toString();
  }

  /** What {@link #save()} writes; set before the first save. */
  void content(Source source) {
    this.source = source;
  }

  /** Creates the data dir if needed; completes with the stored state ({@link #replay}), or {@code null} if there is none. */
  Future<JsonObject> load() {
    return vertx.executeBlocking(() -> {
      Files.createDirectories(dir);
      if (Files.exists(file)) {
        return replay(Files.readString(file, StandardCharsets.UTF_8));
      }
      if (Files.exists(oldFile)) {
        return parseOld(Files.readString(oldFile, StandardCharsets.UTF_8));
      }
      return null;
    });
  }

  /**
   * The state a log's lines add up to, as one object: {@code {"format", "vm_id", "last_downlink_seq", "seq_floor",
   * "sessions": {"<id>": {...}}}} ({@link PlaneState#fromJson}).
   *
   * @throws IllegalStateException if a line other than the last is not a state line, or there is no header line
   */
  static JsonObject replay(String log) {
    JsonObject state = null;
    JsonObject sessions = new JsonObject();
    String[] lines = log.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      JsonObject line;
      try {
        line = new JsonObject(lines[i]);
      } catch (DecodeException | ClassCastException e) {
        if (isLast(lines, i)) {
          LOG.warning("the plane state log ends with a torn line (a crash while appending): ignored");
          break;
        }
        throw new IllegalStateException("line " + (i + 1) + " of the plane state log is not JSON: " + e.getMessage(), e);
      }
      if (line.getValue("format") != null) {
        state = line.copy();
      } else if (line.getValue("session") instanceof String id) {
        if (Boolean.TRUE.equals(line.getValue("pruned"))) {
          sessions.remove(id);
        } else if (line.getValue("state") instanceof JsonObject session) {
          sessions.put(id, session);
        } else {
          throw new IllegalStateException("line " + (i + 1) + " of the plane state log has no session state");
        }
      } else {
        throw new IllegalStateException("line " + (i + 1) + " of the plane state log is neither a header nor a session");
      }
    }
    if (state == null) {
      throw new IllegalStateException("the plane state log has no header line");
    }
    return state.put("sessions", sessions);
  }

  /** Whether line {@code i} is the last non-blank one (only that one can be torn). */
  private static boolean isLast(String[] lines, int i) {
    for (int j = i + 1; j < lines.length; j++) {
      if (!lines[j].isBlank()) {
        return false;
      }
    }
    return true;
  }

  private static JsonObject parseOld(String content) {
    try {
      return new JsonObject(content);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalStateException("the plane state file is not a JSON object: " + e.getMessage(), e);
    }
  }

  /**
   * Writes the current state, soon. Completes when a write that started after this call has
   * ended (successfully or not: failures are logged, the plane carries on with its memory).
   */
  Future<Void> save() {
    Promise<Void> promise = Promise.promise();
    nextWaiters.add(promise);
    if (!writing) {
      writeNext();
    }
    return promise.future();
  }

  /** Writes the current state within {@value #LAZY_SAVE_MS} ms (or with a write asked for earlier). */
  void saveSoon() {
    if (!nextWaiters.isEmpty() || lazyTimer >= 0) {
      return; // a write that has not started yet will include it
    }
    lazyTimer = vertx.setTimer(LAZY_SAVE_MS, ignored -> {
      lazyTimer = -1;
      save();
    });
  }

  /** Completes once no write is in flight (at once if none is). */
  Future<Void> idle() {
    if (!writing) {
      return Future.succeededFuture();
    }
    if (idle == null) {
      idle = Promise.promise();
    }
    return idle.future();
  }

  private void writeNext() {
    List<Promise<Void>> waiters = nextWaiters;
    nextWaiters = new ArrayList<>();
    writing = true;
    if (lazyTimer >= 0) {
      vertx.cancelTimer(lazyTimer); // this write covers it
      lazyTimer = -1;
    }
    boolean snapshot = snapshotNext || appended > Math.max(COMPACT_MIN_BYTES, 2 * snapshotBytes);
    byte[] bytes = (snapshot ? source.snapshot() : source.changes()).getBytes();
    Future<Void> written = bytes.length == 0 && !snapshot ? Future.succeededFuture()
        : vertx.executeBlocking(() -> {
          if (snapshot) {
            writeSnapshot(bytes);
          } else {
            append(bytes);
          }
          return null;
        }, true);
    written.onComplete(result -> {
      if (result.failed()) {
        LOG.log(Level.WARNING, "could not write the plane state log " + file, result.cause());
        snapshotNext = true; // what did not reach the file goes with the next snapshot
        closeChannel();
      } else if (snapshot) {
        snapshotNext = false;
        snapshotBytes = bytes.length;
        appended = 0;
      } else {
        appended += bytes.length;
      }
      writing = false;
      waiters.forEach(Promise::tryComplete);
      if (!nextWaiters.isEmpty()) {
        writeNext();
      } else if (idle != null) {
        Promise<Void> done = idle;
        idle = null;
        done.complete();
      }
    });
  }

  /** On a worker: the whole state to a temp file, moved atomically over the log; appends go to the new log. */
  private void writeSnapshot(byte[] bytes) throws IOException {
    closeChannel();
    Files.write(tempFile, bytes);
    Files.move(tempFile, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Files.deleteIfExists(oldFile); // a data dir of the single-file format is converted now
    channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  /** On a worker: the changed lines at the end of the log. */
  private void append(byte[] bytes) throws IOException {
    if (channel == null) {
      channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /** Once the plane stopped (after its last write): the log's file handle goes. */
  Future<Void> close() {
    return idle().compose(ignored -> vertx.executeBlocking(() -> {
      closeChannel();
      return null;
    }, true));
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.log(Level.FINE, "closing the plane state log", e);
      }
      channel = null;
    }
  }
}

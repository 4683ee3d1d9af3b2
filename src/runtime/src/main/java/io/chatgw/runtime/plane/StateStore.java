package io.chatgw.runtime.plane;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.FileSystem;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The plane's state file, {@value #FILE_NAME} in the data dir, read at start and rewritten
 * atomically (temp file, then an atomic move over the old one) through {@code vertx.fileSystem()}.
 *
 * <p>Writes are coalesced: at most one is in flight; saves asked for meanwhile are served by one
 * more write of the then-current state. What need not be on disk before the plane goes on (acks) asks
 * for {@link #saveSoon()}: written with the next write, at the latest {@value #LAZY_SAVE_MS} ms later.
 * Used from the plane's event loop only.
 */
final class StateStore {

  static final String FILE_NAME = "plane-state.json";

  static final long LAZY_SAVE_MS = 250;

  private static final Logger LOG = Logger.getLogger(StateStore.class.getName());

  private final Vertx vertx;
  private final FileSystem fs;
  private final String dataDir;
  private final String file;
  private final String tempFile;
  private Supplier<Buffer> content;
  private long lazyTimer = -1;
  private boolean writing;
  private List<Promise<Void>> nextWaiters = new ArrayList<>();
  private Promise<Void> idle;

  StateStore(Vertx vertx, String dataDir) {
    this.vertx = vertx;
    this.fs = vertx.fileSystem();
    this.dataDir = dataDir;
    this.file = Paths.get(dataDir, FILE_NAME).toString();
    this.tempFile = file + ".tmp";
  }

  String file() {
    return file;
  }

  /** What {@link #save()} writes (the encoded state); set before the first save. */
  void content(Supplier<Buffer> content) {
    this.content = content;
  }

  /** Creates the data dir if needed; completes with the stored state, or {@code null} if there is none. */
  Future<JsonObject> load() {
    return fs.mkdirs(dataDir)
        .compose(ignored -> fs.exists(file))
        .compose(exists -> exists ? fs.readFile(file).map(StateStore::parse) : Future.succeededFuture(null));
  }

  private static JsonObject parse(Buffer buffer) {
    try {
      return buffer.toJsonObject();
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
    Buffer bytes = content.get();
    fs.writeFile(tempFile, bytes)
        .compose(ignored -> fs.move(tempFile, file, new CopyOptions().setAtomicMove(true).setReplaceExisting(true)))
        .onComplete(written -> {
          if (written.failed()) {
            LOG.log(Level.WARNING, "could not write the plane state file " + file, written.cause());
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
}

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
 * more write of the then-current state. Used from the plane's event loop only.
 */
final class StateStore {

  static final String FILE_NAME = "plane-state.json";

  private static final Logger LOG = Logger.getLogger(StateStore.class.getName());

  private final FileSystem fs;
  private final String dataDir;
  private final String file;
  private final String tempFile;
  private Supplier<JsonObject> content;
  private boolean writing;
  private List<Promise<Void>> nextWaiters = new ArrayList<>();
  private Promise<Void> idle;

  StateStore(Vertx vertx, String dataDir) {
    this.fs = vertx.fileSystem();
    this.dataDir = dataDir;
    this.file = Paths.get(dataDir, FILE_NAME).toString();
    this.tempFile = file + ".tmp";
  }

  String file() {
    return file;
  }

  /** What {@link #save()} writes; set before the first save. */
  void content(Supplier<JsonObject> content) {
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
    Buffer bytes = content.get().toBuffer();
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

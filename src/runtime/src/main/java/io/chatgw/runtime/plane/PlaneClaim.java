package io.chatgw.runtime.plane;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.logging.Logger;

/**
 * A warm-pool plane ({@code --claim-file}): started before anyone needs it (its JVM and Vert.x up), it waits for the
 * gateway to claim it for a user by writing the claim file into its data dir (the docker launcher copies it in through
 * the engine's archive API): {@code {"vm_id": "...", "token": "<VM token>"}} and optionally {@code gateway_url}. The
 * plane then deletes the file (the token must not stay on the volume) and dials in as that plane. A file that is not
 * (yet) a whole JSON object with both strings is read again at the next poll. docs/operations.md "Warm pool".
 */
public final class PlaneClaim {

  private static final Logger LOG = Logger.getLogger(PlaneClaim.class.getName());
  static final long POLL_MS = 20;

  private PlaneClaim() {
  }

  /** Completes with the options of the claimed plane: {@code options} with the claim's vm_id, token and URL. */
  public static Future<PlaneOptions> await(Vertx vertx, String claimFile, PlaneOptions options) {
    Promise<PlaneOptions> claimed = Promise.promise();
    LOG.info("warm pool plane waiting for its claim at " + claimFile);
    vertx.setPeriodic(POLL_MS, timer -> vertx.fileSystem().exists(claimFile).onSuccess(exists -> {
      if (!exists || claimed.future().isComplete()) {
        return;
      }
      vertx.fileSystem().readFile(claimFile).onSuccess(bytes -> {
        JsonObject claim;
        try {
          claim = bytes.toJsonObject();
        } catch (DecodeException | ClassCastException partial) {
          return; // still being written: read again next time
        }
        if (!(claim.getValue("vm_id") instanceof String vmId) || !(claim.getValue("token") instanceof String token)) {
          return;
        }
        vertx.cancelTimer(timer);
        PlaneOptions plane = new PlaneOptions(options).setVmId(vmId).setToken(token);
        if (claim.getValue("gateway_url") instanceof String url && !url.isBlank()) {
          plane.setGatewayUrl(url);
        }
        vertx.fileSystem().delete(claimFile).onComplete(ignored -> claimed.tryComplete(plane));
      });
    }));
    return claimed.future();
  }
}

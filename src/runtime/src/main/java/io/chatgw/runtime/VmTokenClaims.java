package io.chatgw.runtime;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads claims of a VM token (a JWT) WITHOUT checking its signature: only so a plane started by
 * hand can take its {@code vm_id} from the token. The gateway verifies the token.
 */
final class VmTokenClaims {

  private VmTokenClaims() {
  }

  /** The token's {@code vm_id} claim, or {@code null} if it has none or is not a JWT. */
  static String vmId(String token) {
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      return null;
    }
    try {
      JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      Object vmId = claims.getValue("vm_id");
      return vmId instanceof String && !((String) vmId).isBlank() ? (String) vmId : null;
    } catch (RuntimeException notAJwt) {
      return null;
    }
  }
}

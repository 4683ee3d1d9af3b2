package io.chatgw.standin;

/** A chat request the stand-in rejects with 400 {@code invalid_request_error}. */
final class InvalidRequestException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String param;
  private final String code;

  InvalidRequestException(String message, String param, String code) {
    super(message, null, false, false);
    this.param = param;
    this.code = code;
  }

  /** The offending request field, or {@code null}. */
  String param() {
    return param;
  }

  /** A machine-readable reason, or {@code null}. */
  String code() {
    return code;
  }
}

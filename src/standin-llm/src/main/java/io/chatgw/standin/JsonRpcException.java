package io.chatgw.standin;

/** A JSON-RPC 2.0 error answer: its {@code code} and {@code message}. */
final class JsonRpcException extends Exception {

  static final int PARSE_ERROR = -32700;
  static final int INVALID_REQUEST = -32600;
  static final int METHOD_NOT_FOUND = -32601;
  static final int INVALID_PARAMS = -32602;

  private static final long serialVersionUID = 1L;

  private final int code;

  JsonRpcException(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  int code() {
    return code;
  }
}

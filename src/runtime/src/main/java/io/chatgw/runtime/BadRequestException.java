package io.chatgw.runtime;

/** A request the runtime rejects with 400 {@code bad_request}. */
final class BadRequestException extends Exception {

  private static final long serialVersionUID = 1L;

  BadRequestException(String message) {
    super(message, null, false, false);
  }
}

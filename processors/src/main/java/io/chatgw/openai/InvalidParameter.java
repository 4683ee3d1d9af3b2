package io.chatgw.openai;

import io.chatgw.core.GatewayException;

/** A client error (400 unless said otherwise) about one request field; {@code param} names it the way OpenAI's errors do ({@code messages[2].role}). */
public class InvalidParameter extends GatewayException {

    private final String param;

    public InvalidParameter(String code, String message, String param) {
        this(400, code, message, param);
    }

    public InvalidParameter(int status, String code, String message, String param) {
        super(status, code, message);
        this.param = param;
    }

    public String param() {
        return param;
    }
}

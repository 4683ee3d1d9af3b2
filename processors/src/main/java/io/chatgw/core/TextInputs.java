package io.chatgw.core;

/**
 * The one rule every text value from outside obeys before it reaches a record, a log line or a metric tag: no NUL
 * character (PostgreSQL cannot store U+0000 in text, and it truncates C strings). Applied to every string and field
 * name of a JSON body ({@link StrictJson}), to path variables, query parameters and headers handed to the routes, and
 * to the claims of a token.
 */
public final class TextInputs {

    private TextInputs() {
    }

    /** {@code value} unchanged, or {@code 400 nul_character} naming {@code field}. */
    public static String requireNoNul(String field, String value) {
        if (value != null && value.indexOf('\u0000') >= 0) {
            throw new Refused("nul_character", "'" + field + "' contains a NUL character (\\u0000), which is not accepted",
                    field);
        }
        return value;
    }

    /** A refused text input; {@code field} names it as the OpenAI API's {@code param} does ({@code messages[0].content}). */
    public static class Refused extends GatewayException {
        private final String field;

        public Refused(String code, String message, String field) {
            super(400, code, message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}

package io.chatgw.paths;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Reads the text of an upstream's text delta in one pass of Jackson's streaming parser, without building a JSON tree,
 * when the payload has the common shape of a delta: an OpenAI {@code chat.completion.chunk} whose
 * {@code choices[0]} carries only {@code delta.content} (and a {@code role}), no finish reason, logprobs, tool calls,
 * usage or error; a legacy {@code token} event without logprobs. Strings are decoded by the same parser the tree
 * would use, so the text is the same to the char. Anything else (one of those fields set, a duplicate of a field that
 * matters, a value of another type, more than one JSON value, bad JSON) answers null and the mapping reads the
 * payload's tree as before: the events are the same either way (TextDeltaScanTest compares both on a corpus).
 */
final class TextDeltaScan {

    private TextDeltaScan() {
    }

    /** {@code choices[0].delta.content} of a plain text chunk ("" if it has none: a role chunk), or null: read the tree. */
    static String llmContent(ObjectMapper json, String payload) {
        try (JsonParser p = json.createParser(payload)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String content = "";
            boolean sawChoices = false;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "choices" -> {
                        if (sawChoices || value != JsonToken.START_ARRAY) {
                            return null;
                        }
                        sawChoices = true;
                        content = choices(p);
                        if (content == null) {
                            return null;
                        }
                    }
                    case "error", "usage" -> {
                        if (value != JsonToken.VALUE_NULL) {
                            return null;
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            return t == JsonToken.END_OBJECT && p.nextToken() == null ? content : null;
        } catch (IOException | RuntimeException e) {
            return null; // the tree says what is wrong with it
        }
    }

    /** A legacy {@code token} event's {@code text} when it has no logprobs, or null: read the tree. */
    static String legacyText(ObjectMapper json, String payload) {
        try (JsonParser p = json.createParser(payload)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String text = null;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "text" -> {
                        if (text != null || value != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        text = p.getText();
                    }
                    case "logprobs" -> {
                        if (value != JsonToken.VALUE_NULL) {
                            return null;
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            return t == JsonToken.END_OBJECT && p.nextToken() == null ? text : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** At the choices' START_ARRAY: the first choice's content ("" for none), the rest skipped (the tree reads [0]). */
    private static String choices(JsonParser p) throws IOException {
        JsonToken first = p.nextToken();
        if (first == JsonToken.END_ARRAY) {
            return "";
        }
        if (first != JsonToken.START_OBJECT) {
            return null;
        }
        String content = firstChoice(p);
        if (content == null) {
            return null;
        }
        JsonToken next;
        while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
            if (next == null) {
                return null;
            }
            p.skipChildren();
        }
        return content;
    }

    private static String firstChoice(JsonParser p) throws IOException {
        String content = "";
        boolean sawDelta = false;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "delta" -> {
                    if (sawDelta || value != JsonToken.START_OBJECT) {
                        return null;
                    }
                    sawDelta = true;
                    content = delta(p);
                    if (content == null) {
                        return null;
                    }
                }
                case "logprobs", "finish_reason" -> {
                    if (value != JsonToken.VALUE_NULL) {
                        return null;
                    }
                }
                default -> p.skipChildren();
            }
        }
        return t == JsonToken.END_OBJECT ? content : null;
    }

    private static String delta(JsonParser p) throws IOException {
        String content = null;
        boolean sawContent = false;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "content" -> {
                    if (sawContent || (value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NULL)) {
                        return null;
                    }
                    sawContent = true;
                    content = value == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                case "tool_calls" -> {
                    if (value != JsonToken.VALUE_NULL) {
                        return null;
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            return null;
        }
        return content == null ? "" : content;
    }
}

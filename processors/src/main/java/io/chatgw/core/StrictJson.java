package io.chatgw.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * How every JSON request body is read (both APIs and admin), strictly: valid UTF-8 only (no overlong forms, no
 * encoded surrogates, no invalid bytes: {@code 400 invalid_utf8}); exactly one JSON value, with nothing but
 * whitespace after it, no duplicate keys, no comments ({@code 400 malformed_json}); a JSON object; and no NUL in any
 * string or field name ({@link TextInputs}, {@code 400 nul_character}). Jackson alone would decode an overlong
 * {@code C0 80} as NUL, read the first of two documents and ignore what follows.
 */
public final class StrictJson {

    private StrictJson() {
    }

    /** The body as a JSON object, or a {@link TextInputs.Refused} (400) saying what is wrong with it. */
    public static JsonNode readObject(ObjectMapper json, byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new TextInputs.Refused("invalid_utf8", "body is not valid UTF-8", null);
        }
        JsonNode node;
        try {
            node = reader(json).readTree(text);
        } catch (JsonProcessingException e) {
            throw new TextInputs.Refused("malformed_json", "body is not valid JSON: " + e.getOriginalMessage(), null);
        }
        if (node == null || node.isMissingNode() || !node.isObject()) {
            throw new TextInputs.Refused("malformed_json", "body must be a JSON object", null);
        }
        checkText(node, "");
        return node;
    }

    private static ObjectReader reader(ObjectMapper json) {
        return json.reader()
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }

    /** Every string and field name under {@code node}, named by its path ({@code messages[2].content}). */
    private static void checkText(JsonNode node, String path) {
        if (node.isTextual()) {
            TextInputs.requireNoNul(path, node.textValue());
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkText(node.get(i), path + "[" + i + "]");
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String name = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                TextInputs.requireNoNul(path.isEmpty() ? "field name" : path + " field name", field.getKey());
                checkText(field.getValue(), name);
            }
        }
    }
}

package io.chatgw.turn;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The tokens of a run whose provider reported none (a stream cut before its usage chunk, a path that never
 * reports usage), counted with jtokkit in {@code gateway.conversations.encoding}: the prompt (history and
 * message) in, the text the run streamed out. A usage record with these numbers says {@code estimated: true}.
 */
@Component
public class TokenEstimate {

    private final Encoding encoding;

    public TokenEstimate(@Value("${gateway.conversations.encoding:cl100k_base}") String encodingName) {
        this.encoding = Encodings.newLazyEncodingRegistry().getEncoding(encodingName).orElseThrow(() ->
                new IllegalArgumentException("gateway.conversations.encoding: unknown jtokkit encoding '" + encodingName + "'"));
    }

    /** The turn's prompt as the path sent it: every history message's content (text, or tool calls' JSON) and the message. */
    public int prompt(List<Map<String, Object>> history, String message) {
        int tokens = count(message);
        for (Map<String, Object> m : history) {
            Object content = m.get("content");
            tokens += count(content instanceof String text ? text : content == null ? null : content.toString());
            Object calls = m.get("tool_calls");
            if (calls != null) {
                tokens += count(calls.toString());
            }
        }
        return tokens;
    }

    public int count(String text) {
        return text == null || text.isEmpty() ? 0 : encoding.countTokensOrdinary(text);
    }
}

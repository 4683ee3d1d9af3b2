package io.chatgw.openai;

import io.chatgw.core.ExecutionMode;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.stereotype.Component;

/**
 * What each path cannot honour of an OpenAI request ({@code gateway.openai.unsupported-parameters.<path>}): a
 * parameter name the paths pass to their LLM call ({@link LlmParameters#NAMES}, {@code user}, {@code model}), or
 * {@code prefill} (the conversation ends with an assistant message for the LLM to continue). Empty by default:
 * the reference runtime and plane honour all of them. A legacy runtime that cannot continue a prefill, for example,
 * is configured with {@code legacy: [prefill]}. An unknown path or name is a startup error.
 */
@Component
public class PathParameters {

    public static final String PREFILL = "prefill";
    private static final Set<String> NAMES;

    static {
        Set<String> names = new TreeSet<>(LlmParameters.NAMES);
        names.addAll(List.of("user", "model", PREFILL));
        NAMES = Set.copyOf(names);
    }

    private final Map<ExecutionMode, List<String>> unsupported = new EnumMap<>(ExecutionMode.class);

    public PathParameters(OpenAiProperties config) {
        config.unsupportedParameters().forEach((path, names) ->
                unsupported.put(ExecutionMode.parse(path).orElseThrow(), names));
    }

    /** The first of the request's parameters that {@code path} cannot honour, if any. */
    public Optional<String> refusedOn(ExecutionMode path, Map<String, Object> parameters,
                                      List<Map<String, Object>> continuation) {
        for (String name : unsupported.getOrDefault(path, List.of())) {
            boolean sent = PREFILL.equals(name) ? isPrefill(continuation)
                    : parameters != null && parameters.get(name) != null;
            if (sent) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    /** The conversation ends with an assistant message that is not a tool call: the LLM is to continue it. */
    static boolean isPrefill(List<Map<String, Object>> continuation) {
        if (continuation == null || continuation.isEmpty()) {
            return false;
        }
        Map<String, Object> last = continuation.get(continuation.size() - 1);
        return CompletionMessages.ASSISTANT.equals(last.get("role")) && !last.containsKey("tool_calls");
    }

    /** Validates the configured map (path wire names, known names): a copy, empty if null. */
    static Map<String, List<String>> check(Map<String, List<String>> configured) {
        if (configured == null) {
            return Map.of();
        }
        Map<String, List<String>> out = new HashMap<>();
        configured.forEach((path, names) -> {
            try {
                ExecutionMode.parse(path).orElseThrow(() -> new IllegalArgumentException("empty path name"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("gateway.openai.unsupported-parameters: " + e.getMessage());
            }
            List<String> list = names == null ? List.of() : List.copyOf(names);
            for (String name : list) {
                if (!NAMES.contains(name)) {
                    throw new IllegalArgumentException("gateway.openai.unsupported-parameters." + path + ": unknown "
                            + "parameter '" + name + "' (known: " + new TreeSet<>(NAMES) + ")");
                }
            }
            out.put(path, list);
        });
        return Map.copyOf(out);
    }
}

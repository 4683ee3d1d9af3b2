package io.chatgw.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The sampling parameters of both OpenAI endpoints, checked as OpenAI does: first each one's type (a number, an
 * integer, {@code stop} a string or an array), then its range. A chat completion has them all; a response the ones
 * it names alike ({@code temperature}, {@code top_p}), read here into the chat parameters the paths pass on.
 */
final class SamplingParameters {

    private static final List<String> NUMBERS = List.of("temperature", "top_p", "presence_penalty", "frequency_penalty");
    private static final List<String> INTEGERS = List.of("max_tokens", "max_completion_tokens", "seed", "n",
            "top_logprobs");
    /** {name: [min, max]}, in the order they are checked. */
    private static final Map<String, double[]> RANGES = new java.util.LinkedHashMap<>();

    static {
        RANGES.put("temperature", new double[] {0, 2});
        RANGES.put("top_p", new double[] {0, 1});
        RANGES.put("presence_penalty", new double[] {-2, 2});
        RANGES.put("frequency_penalty", new double[] {-2, 2});
        RANGES.put("max_tokens", new double[] {1, Integer.MAX_VALUE});
        RANGES.put("max_completion_tokens", new double[] {1, Integer.MAX_VALUE});
        RANGES.put("top_logprobs", new double[] {0, 20});
    }

    private SamplingParameters() {
    }

    /** The types of a chat completion's sampling parameters ({@code n} must be 1). */
    static void checkTypes(JsonNode root) {
        NUMBERS.forEach(name -> number(root, name));
        for (String name : INTEGERS) {
            JsonNode value = root.get(name);
            if (present(value) && !value.isIntegralNumber()) {
                throw new InvalidParameter("invalid_type", "'" + name + "' must be an integer", name);
            }
        }
        JsonNode n = root.get("n");
        if (present(n) && n.asInt() != 1) {
            throw new InvalidParameter("unsupported_value", "'n' must be 1: the gateway returns one choice", "n");
        }
        JsonNode stop = root.get("stop");
        if (present(stop) && !stop.isTextual() && !stop.isArray()) {
            throw new InvalidParameter("invalid_type", "'stop' must be a string or an array of strings", "stop");
        }
    }

    /** The ranges of the sampling parameters present (their types checked before). */
    static void checkRanges(JsonNode root) {
        RANGES.forEach((name, range) -> range(root, name));
    }

    /** Reads the named number parameters of {@code root} (type, then range) into {@code chat}. */
    static void copyNumbers(JsonNode root, ObjectNode chat, String... names) {
        for (String name : names) {
            if (number(root, name)) {
                range(root, name);
                chat.set(name, root.get(name));
            }
        }
    }

    /** @return whether the parameter is present (then it is a number) */
    private static boolean number(JsonNode root, String name) {
        JsonNode value = root.get(name);
        if (present(value) && !value.isNumber()) {
            throw new InvalidParameter("invalid_type", "'" + name + "' must be a number", name);
        }
        return present(value);
    }

    private static void range(JsonNode root, String name) {
        double[] range = RANGES.get(name);
        if (present(root.get(name))) {
            double value = root.get(name).asDouble();
            if (value < range[0] || value > range[1]) {
                throw new InvalidParameter("invalid_value", "'" + name + "' must be between " + format(range[0])
                        + " and " + format(range[1]), name);
            }
        }
    }

    private static String format(double v) {
        return v == Integer.MAX_VALUE ? "2147483647" : v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static boolean present(JsonNode value) {
        return value != null && !value.isNull();
    }
}

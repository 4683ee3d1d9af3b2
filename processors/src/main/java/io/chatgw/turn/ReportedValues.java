package io.chatgw.turn;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The checks on values a path reports from outside (a plane's {@code done} / {@code error}, the LLM's usage chunk, the
 * legacy runtime's {@code run_finished}) before they reach a usage record, a metric, a client or a log: a bad value is
 * replaced (cut, clamped, defaulted), never dropped with its record and never wrapped, and its run is marked invalid
 * with the reason ({@link PathRun#reportInvalid}; the record's {@code invalid_reason}, docs/events.md).
 */
public final class ReportedValues {

    /** usage_records.model */
    public static final int MODEL_MAX = 100;
    /** An error code (usage_records.error_code is 64 characters). */
    static final Pattern CODE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final Pattern FINISH_REASON = Pattern.compile("[a-z_]{1,32}");
    /** Longest upstream error message passed on to the client. */
    public static final int MESSAGE_MAX = 1000;

    private ReportedValues() {
    }

    /** A checked value, and what was wrong with it as reported (null: nothing). */
    public record Checked<T>(T value, String problem) {
        static <T> Checked<T> ok(T value) {
            return new Checked<>(value, null);
        }
    }

    /**
     * Token counts of a provider's usage object (fields as the provider names them). Each is a JSON integer from 0 to
     * 2147483647, absent = 0; a negative or non-integer one counts 0, a larger one 2147483647, and the usage is invalid.
     */
    public static Checked<Usage> usage(JsonNode usage, String promptField, String completionField) {
        List<String> problems = new ArrayList<>(0);
        int prompt = tokens(usage == null ? null : usage.get(promptField), promptField, problems);
        int completion = tokens(usage == null ? null : usage.get(completionField), completionField, problems);
        return new Checked<>(new Usage(prompt, completion), problems.isEmpty() ? null : String.join("; ", problems));
    }

    static int tokens(JsonNode node, String field, List<String> problems) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return 0;
        }
        if (!node.isIntegralNumber()) {
            problems.add(field + " is not an integer");
            return 0;
        }
        java.math.BigInteger n = node.bigIntegerValue();
        if (n.signum() < 0) {
            problems.add(field + " is negative (" + n + ")");
            return 0;
        }
        if (n.bitLength() > 31) {
            problems.add(field + " is over " + Integer.MAX_VALUE + " (" + shown(n.toString()) + ")");
            return Integer.MAX_VALUE;
        }
        return n.intValue();
    }

    /** A model name: at most 100 characters without control characters; longer ones are cut, those replaced by ?. */
    public static Checked<String> model(String model) {
        if (model == null || model.isBlank()) {
            return Checked.ok(null);
        }
        String clean = model.replaceAll("\\p{Cntrl}", "?");
        if (clean.length() > MODEL_MAX) {
            return new Checked<>(clean.substring(0, MODEL_MAX), "model is longer than " + MODEL_MAX + " characters ("
                    + model.length() + ")");
        }
        return clean.equals(model) ? Checked.ok(model) : new Checked<>(clean, "model contains control characters");
    }

    /** An error code: {@code [A-Za-z0-9_.:-]{1,64}}, otherwise {@code fallback}. */
    public static Checked<String> errorCode(String code, String fallback) {
        if (code != null && CODE.matcher(code).matches()) {
            return Checked.ok(code);
        }
        return new Checked<>(fallback, "error code " + shown(code) + " is not [A-Za-z0-9_.:-]{1,64}");
    }

    /** Why the LLM stopped: {@code [a-z_]{1,32}} ({@code stop}, {@code length}, {@code tool_calls}...), otherwise none. */
    public static Checked<String> finishReason(String reason) {
        if (reason == null || reason.isBlank() || FINISH_REASON.matcher(reason).matches()) {
            return Checked.ok(reason);
        }
        return new Checked<>(null, "finish_reason " + shown(reason) + " is not [a-z_]{1,32}");
    }

    /** An upstream's error message for the client: at most {@value #MESSAGE_MAX} characters. */
    public static String message(String message) {
        if (message == null) {
            return "";
        }
        return message.length() <= MESSAGE_MAX ? message : message.substring(0, MESSAGE_MAX) + "...";
    }

    /** A reported value as a reason may quote it: at most 40 characters, control characters replaced. */
    static String shown(String value) {
        if (value == null) {
            return "null";
        }
        String cut = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return "'" + cut.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}

package io.chatgw.shadow;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The comparison of one pair (docs/shadow.md): which kinds it diverged in, the normalized text similarity, and per
 * diverged kind what each side had. {@code outcome} compares status and error code; the content kinds are compared
 * only when both sides completed (a failed side has no answer to compare).
 */
record ShadowComparison(List<String> divergences, Double textSimilarity, boolean bothCompleted,
                        Map<String, Map<String, Object>> details) {

    static final String EVENT_SEQUENCE = "event_sequence";
    static final String TEXT_EXACT = "text_exact";
    static final String TEXT_NORMALIZED = "text_normalized";
    static final String TOOL_CALLS = "tool_calls";
    static final String TOOL_PAIRING = "tool_pairing";
    static final String PLAN_STEPS = "plan_steps";
    static final String OUTCOME = "outcome";
    /** Every kind, in the order reports list them. */
    static final List<String> KINDS = List.of(OUTCOME, EVENT_SEQUENCE, TEXT_EXACT, TEXT_NORMALIZED, TOOL_CALLS,
            TOOL_PAIRING, PLAN_STEPS);

    boolean diverged() {
        return !divergences.isEmpty();
    }

    static ShadowComparison of(RunSummary primary, RunSummary shadow, double similarityThreshold) {
        List<String> kinds = new ArrayList<>();
        Map<String, Map<String, Object>> details = new LinkedHashMap<>();
        if (!Objects.equals(primary.status(), shadow.status()) || !Objects.equals(primary.errorCode(), shadow.errorCode())) {
            kinds.add(OUTCOME);
            details.put(OUTCOME, sides(primary.status() + (primary.errorCode() == null ? "" : " " + primary.errorCode()),
                    shadow.status() + (shadow.errorCode() == null ? "" : " " + shadow.errorCode())));
        }
        boolean both = primary.completed() && shadow.completed();
        Double similarity = null;
        if (both) {
            differs(kinds, details, EVENT_SEQUENCE, primary.eventTypes(), shadow.eventTypes());
            similarity = similarity(primary.text(), shadow.text());
            if (!primary.text().equals(shadow.text())) {
                kinds.add(TEXT_EXACT);
                details.put(TEXT_EXACT, sides(RunSummary.clip(primary.text(), 500), RunSummary.clip(shadow.text(), 500)));
            }
            if (similarity < similarityThreshold) {
                kinds.add(TEXT_NORMALIZED);
                details.put(TEXT_NORMALIZED, Map.of("similarity", similarity, "threshold", similarityThreshold));
            }
            differs(kinds, details, TOOL_CALLS, primary.toolCalls(), shadow.toolCalls());
            differs(kinds, details, TOOL_PAIRING, primary.pairingErrors(), shadow.pairingErrors());
            differs(kinds, details, PLAN_STEPS, primary.planSteps(), shadow.planSteps());
        }
        return new ShadowComparison(List.copyOf(kinds), similarity, both, details);
    }

    private static void differs(List<String> kinds, Map<String, Map<String, Object>> details, String kind,
                                Object primary, Object shadow) {
        if (!Objects.equals(primary, shadow)) {
            kinds.add(kind);
            details.put(kind, sides(primary, shadow));
        }
    }

    private static Map<String, Object> sides(Object primary, Object shadow) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("primary", primary);
        m.put("shadow", shadow);
        return m;
    }

    /**
     * Similarity of two texts after normalization (NFKC, lower case, everything but letters and digits as spaces,
     * whitespace collapsed): the Dice coefficient of their word bigrams (of their words when either has fewer than
     * two). 1 for equal normalized texts, 0 when nothing is shared. Linear in the texts' length.
     */
    static double similarity(String a, String b) {
        List<String> x = words(a);
        List<String> y = words(b);
        if (x.equals(y)) {
            return 1.0;
        }
        if (x.isEmpty() || y.isEmpty()) {
            return 0.0;
        }
        int n = x.size() < 2 || y.size() < 2 ? 1 : 2;
        Map<String, Integer> grams = new HashMap<>();
        List<String> gx = grams(x, n);
        List<String> gy = grams(y, n);
        gx.forEach(g -> grams.merge(g, 1, Integer::sum));
        int shared = 0;
        for (String g : gy) {
            Integer left = grams.get(g);
            if (left != null && left > 0) {
                shared++;
                grams.put(g, left - 1);
            }
        }
        return 2.0 * shared / (gx.size() + gy.size());
    }

    static List<String> words(String text) {
        String normalized = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
        return normalized.isEmpty() ? List.of() : List.of(normalized.split(" "));
    }

    private static List<String> grams(List<String> words, int n) {
        if (n == 1) {
            return words;
        }
        List<String> grams = new ArrayList<>(words.size() - 1);
        for (int i = 0; i + 1 < words.size(); i++) {
            grams.add(words.get(i) + " " + words.get(i + 1));
        }
        return grams;
    }
}

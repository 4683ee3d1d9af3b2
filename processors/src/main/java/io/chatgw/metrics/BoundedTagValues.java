package io.chatgw.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Keeps one metric tag's values bounded: a value outside {@code [A-Za-z0-9._:/-]{1,64}}, or any new value once
 * {@code max} distinct ones were seen by this instance, is counted as {@value #OTHER}. Values seen first keep their own
 * series for the life of the process (a series never moves to {@code other} once it exists).
 */
public final class BoundedTagValues {

    public static final String OTHER = "other";
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:/-]{1,64}");

    private final int max;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    public BoundedTagValues(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0, was " + max);
        }
        this.max = max;
    }

    /** {@code value} itself while it is valid and within the bound, else {@value #OTHER}. */
    public String of(String value) {
        if (value == null) {
            return OTHER;
        }
        if (seen.contains(value)) { // seen values were valid: no regex on the common path
            return value;
        }
        if (!VALID.matcher(value).matches()) {
            return OTHER;
        }
        synchronized (seen) {
            if (seen.size() < max) {
                seen.add(value);
                return value;
            }
        }
        return seen.contains(value) ? value : OTHER;
    }
}

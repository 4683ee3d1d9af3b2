package io.chatgw.monitor;

import io.chatgw.core.ExecutionMode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An automatic fallback in force: {@code path}'s traffic of {@code orgId} (scope {@code org}) or of every org
 * (scope {@code global}, {@code orgId} empty) goes to the path's fallback target since {@code since}, because
 * {@code threshold} tripped with {@code figures}. {@code id} is its runtime_fallbacks row (0 while not stored yet).
 */
public record Trip(long id, String scope, String orgId, ExecutionMode path, String threshold, Instant since,
                   String trippedBy, Map<String, Object> figures) {

    public static final String GLOBAL = "global";
    public static final String ORG = "org";

    public Key key() {
        return new Key(orgId, path);
    }

    /** Where a trip applies: an org ({@code ""} = every org) and a path. */
    public record Key(String orgId, ExecutionMode path) {

        static Key global(ExecutionMode path) {
            return new Key("", path);
        }

        boolean isGlobal() {
            return orgId.isEmpty();
        }

        String scope() {
            return isGlobal() ? GLOBAL : ORG;
        }

        /** For log lines and audit targets: {@code global/legacy}, {@code org:org-acme/legacy}. */
        String describe() {
            return (isGlobal() ? GLOBAL : "org:" + orgId) + "/" + path.wire();
        }
    }

    Map<String, Object> toJson(boolean halfOpen, String fallbackTo) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (!orgId.isEmpty()) {
            m.put("org_id", orgId);
        }
        m.put("path", path.wire());
        m.put("active", true);
        m.put("since", since.toString());
        m.put("threshold", threshold);
        m.put("fallback_to", fallbackTo);
        m.put("half_open", halfOpen);
        m.put("tripped_by", trippedBy);
        m.put("figures", figures);
        return m;
    }
}

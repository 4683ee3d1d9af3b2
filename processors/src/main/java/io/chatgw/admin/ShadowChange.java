package io.chatgw.admin;

import io.chatgw.core.ExecutionMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The shadow keys of a policy {@code PUT} ({@code shadow_percent} 0-100, {@code shadow_path} a path; {@code null}
 * clears either), checked against what the scope has now: a percentage above 0 needs a target path, so a change
 * that would leave one without is a 400 before anything is written (docs/shadow.md).
 */
record ShadowChange(boolean percentNamed, Integer percent, boolean pathNamed, String path) {

    static ShadowChange of(AdminRequest body, Map<String, Object> current) {
        Integer percent = body.integer("shadow_percent", 0, 100).orElse(null);
        String path = body.mode("shadow_path").map(ExecutionMode::wire).orElse(null);
        ShadowChange change = new ShadowChange(body.has("shadow_percent"), percent, body.has("shadow_path"), path);
        Object nowPercent = current == null ? null : current.get("shadow_percent");
        Object nowPath = current == null ? null : current.get("shadow_path");
        int resultingPercent = change.percentNamed ? (percent == null ? 0 : percent)
                : nowPercent instanceof Number n ? n.intValue() : 0;
        Object resultingPath = change.pathNamed ? path : nowPath;
        if (resultingPercent > 0 && resultingPath == null) {
            throw AdminRequest.invalid(change.pathNamed ? "shadow_path" : "shadow_percent",
                    "a shadow_percent above 0 needs a shadow_path (legacy, new or direct_llm)");
        }
        return change;
    }

    boolean named() {
        return percentNamed || pathNamed;
    }

    /** The four parameters of PolicySettings' SET_SHADOW clause, then {@code rest}. */
    Object[] with(Object... rest) {
        List<Object> args = new ArrayList<>(Arrays.asList(percentNamed, percent, pathNamed, path));
        args.addAll(Arrays.asList(rest));
        return args.toArray();
    }

    /** {@code first} and {@code second}, then {@code rest}. */
    static Object[] prepend(Object first, Object second, Object[] rest) {
        List<Object> args = new ArrayList<>(Arrays.asList(first, second));
        args.addAll(Arrays.asList(rest));
        return args.toArray();
    }
}

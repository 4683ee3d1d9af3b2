package io.chatgw.resilience;

import io.chatgw.core.ExecutionMode;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where each path's traffic goes when that path cannot serve it (a failure before its first event, an open
 * breaker, an automatic fallback): {@code gateway.resilience.fallback-to.<path>}. {@code direct_llm} by default,
 * as the design says; {@code legacy} is allowed for {@code new}; {@code none} turns the fallback off; direct_llm
 * itself has none. A target that is not allowed is a startup error.
 */
public final class FallbackTargets {

    private static final Map<ExecutionMode, Set<ExecutionMode>> ALLOWED = Map.of(
            ExecutionMode.LEGACY, Set.of(ExecutionMode.DIRECT_LLM),
            ExecutionMode.NEW, Set.of(ExecutionMode.DIRECT_LLM, ExecutionMode.LEGACY),
            ExecutionMode.DIRECT_LLM, Set.of());

    private final Map<ExecutionMode, ExecutionMode> targets = new EnumMap<>(ExecutionMode.class);

    /** @param configured path wire name -> target wire name or {@code none} (absent: the default) */
    public FallbackTargets(Map<String, String> configured) {
        targets.put(ExecutionMode.LEGACY, ExecutionMode.DIRECT_LLM);
        targets.put(ExecutionMode.NEW, ExecutionMode.DIRECT_LLM);
        configured.forEach((pathName, targetName) -> {
            ExecutionMode path = ExecutionMode.parse(pathName).orElseThrow(() ->
                    new IllegalArgumentException("gateway.resilience.fallback-to: empty path name"));
            if (targetName == null || targetName.isBlank() || "none".equals(targetName.trim())) {
                targets.remove(path);
                return;
            }
            ExecutionMode target = ExecutionMode.parse(targetName).orElseThrow();
            if (!ALLOWED.get(path).contains(target)) {
                throw new IllegalArgumentException("gateway.resilience.fallback-to." + pathName + "=" + targetName
                        + " is not allowed (allowed: " + ALLOWED.get(path) + " or none)");
            }
            targets.put(path, target);
        });
    }

    /** The path that answers instead of {@code path}, if it has one. */
    public Optional<ExecutionMode> of(ExecutionMode path) {
        return Optional.ofNullable(targets.get(path));
    }
}

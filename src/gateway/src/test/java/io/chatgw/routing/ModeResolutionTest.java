package io.chatgw.routing;

import static io.chatgw.core.ExecutionMode.DIRECT_LLM;
import static io.chatgw.core.ExecutionMode.LEGACY;
import static io.chatgw.core.ExecutionMode.NEW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgw.core.ExecutionMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The precedence table (docs/operations.md): rollback > auto-fallback > a model alias's path > org override > user
 * mode > agent default >
 * canary > global policy > configured default. Each rule alone wins; of every two neighbouring rules the higher
 * one wins; with everything set the rollback does.
 */
class ModeResolutionTest {

    /** The rules, highest first, each with the path it picks when it is the one set (neighbours differ). */
    enum Rule {
        ROLLBACK("rollback", LEGACY),
        AUTO_FALLBACK("auto_fallback", null), // moves whatever the rules below chose (see fallbackFrom)
        MODEL_ALIAS("model_alias", NEW),       // an OpenAI model alias's path, asked for by the request
        ORG_OVERRIDE("org_override", DIRECT_LLM),
        USER_MODE("user_mode", NEW),
        AGENT_DEFAULT("agent_default", DIRECT_LLM),
        CANARY("canary", NEW),
        GLOBAL_POLICY("global_policy", DIRECT_LLM),
        GLOBAL_DEFAULT("global_default", LEGACY);

        final String reason;
        final ExecutionMode mode;

        Rule(String reason, ExecutionMode mode) {
            this.reason = reason;
            this.mode = mode;
        }
    }

    /** The automatic fallback in the tests: any path goes to the one after it (legacy -> new -> direct_llm -> legacy). */
    private static ExecutionMode fallbackFrom(ExecutionMode path) {
        return ExecutionMode.values()[(path.ordinal() + 1) % ExecutionMode.values().length];
    }

    private static ModeDecision decide(Set<Rule> set) {
        return decide(set, true, 40, 10);
    }

    /** Inputs where exactly the rules in {@code set} are set; the canary with {@code percent} and {@code bucket}. */
    private static ModeDecision decide(Set<Rule> set, boolean allowlisted, int percent, int bucket) {
        PolicyInputs in = new PolicyInputs("u-1", "org-1", "agent-1", 7,
                set.contains(Rule.ROLLBACK)
                        ? Optional.of(new PolicySnapshot.Rollback("global", null, "ops", Instant.EPOCH, null))
                        : Optional.empty(),
                opt(set, Rule.ORG_OVERRIDE), opt(set, Rule.USER_MODE), opt(set, Rule.AGENT_DEFAULT),
                allowlisted, set.contains(Rule.CANARY) ? percent : 0, () -> bucket,
                opt(set, Rule.GLOBAL_POLICY), Rule.GLOBAL_DEFAULT.mode);
        AutoFallbackState fallback = set.contains(Rule.AUTO_FALLBACK)
                ? (org, path) -> Optional.of(new AutoFallbackState.AutoFallback(path, fallbackFrom(path), "error_rate", "org"))
                : AutoFallbackState.NONE;
        return ModeResolution.resolve(in, fallback, set.contains(Rule.MODEL_ALIAS) ? Rule.MODEL_ALIAS.mode : null);
    }

    private static Optional<ExecutionMode> opt(Set<Rule> set, Rule rule) {
        return set.contains(rule) ? Optional.of(rule.mode) : Optional.empty();
    }

    /** The path {@code winner} sends to when the rules in {@code set} are set. */
    private static ExecutionMode expectedMode(Rule winner, Set<Rule> set) {
        if (winner != Rule.AUTO_FALLBACK) {
            return winner.mode;
        }
        Set<Rule> below = EnumSet.copyOf(set);
        below.remove(Rule.AUTO_FALLBACK);
        return fallbackFrom(decide(below).mode());
    }

    static Stream<Arguments> table() {
        List<Arguments> rows = new ArrayList<>();
        Rule[] rules = Rule.values();
        for (Rule alone : rules) {
            rows.add(Arguments.of(alone.reason + " alone", EnumSet.of(alone), alone));
        }
        for (int i = 0; i + 1 < rules.length; i++) {
            rows.add(Arguments.of(rules[i].reason + " beats " + rules[i + 1].reason,
                    EnumSet.of(rules[i], rules[i + 1]), rules[i]));
        }
        rows.add(Arguments.of("everything set: rollback", EnumSet.allOf(Rule.class), Rule.ROLLBACK));
        rows.add(Arguments.of("everything but the rollback: auto_fallback",
                EnumSet.complementOf(EnumSet.of(Rule.ROLLBACK)), Rule.AUTO_FALLBACK));
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void theHighestRuleThatIsSetWins(String name, Set<Rule> set, Rule winner) {
        // the configured default is always there: the set it "is in" is every row
        ModeDecision decision = decide(set);
        assertThat(decision.reason()).isEqualTo(winner.reason);
        assertThat(decision.mode()).isEqualTo(expectedMode(winner, set));
        assertThat(decision.autoFallback() != null).isEqualTo(winner == Rule.AUTO_FALLBACK);
    }

    @Test
    void theAutomaticFallbackMovesThePathTheLowerRulesChoseAndOnlyThatPath() {
        AutoFallbackState newOnly = (org, path) -> path == NEW
                ? Optional.of(new AutoFallbackState.AutoFallback(NEW, LEGACY, "timeout_rate", "global"))
                : Optional.empty();
        PolicyInputs userOnNew = inputs(Optional.empty(), Optional.of(NEW));
        PolicyInputs userOnDirect = inputs(Optional.empty(), Optional.of(DIRECT_LLM));

        ModeDecision moved = ModeResolution.resolve(userOnNew, newOnly);
        assertThat(moved.mode()).isEqualTo(LEGACY);
        assertThat(moved.reason()).isEqualTo("auto_fallback");
        assertThat(moved.autoFallback().from()).isEqualTo(NEW);
        assertThat(ModeResolution.resolve(userOnDirect, newOnly)).isEqualTo(new ModeDecision(DIRECT_LLM, "user_mode"));
    }

    @Test
    void theCanaryAppliesOnlyInAllowlistedOrgsAndBelowItsPercentage() {
        Set<Rule> canary = EnumSet.of(Rule.CANARY);
        assertThat(decide(canary, true, 40, 39).reason()).isEqualTo("canary");
        assertThat(decide(canary, true, 40, 40).reason()).as("bucket 40 is out at 40%").isEqualTo("global_default");
        assertThat(decide(canary, false, 40, 0).reason()).as("org not allowlisted").isEqualTo("global_default");
        assertThat(decide(canary, true, 100, 99).reason()).as("100% takes everyone").isEqualTo("canary");
        assertThat(decide(EnumSet.of(Rule.CANARY, Rule.GLOBAL_POLICY), true, 40, 80).reason())
                .as("outside the canary the global policy applies").isEqualTo("global_policy");
    }

    @Test
    void theCanaryBucketIsNotAskedForWhenAHigherRuleDecides() {
        PolicyInputs in = new PolicyInputs("u-1", "org-1", null, 1, Optional.empty(), Optional.empty(),
                Optional.of(LEGACY), Optional.empty(), true, 50,
                () -> {
                    throw new AssertionError("bucket looked up although the user has an explicit mode");
                }, Optional.empty(), LEGACY);
        assertThat(ModeResolution.resolve(in, AutoFallbackState.NONE)).isEqualTo(new ModeDecision(LEGACY, "user_mode"));
    }

    private static PolicyInputs inputs(Optional<ExecutionMode> org, Optional<ExecutionMode> user) {
        return new PolicyInputs("u-1", "org-1", null, 1, Optional.empty(), org, user, Optional.empty(), false, 0,
                () -> 0, Optional.empty(), LEGACY);
    }

    @Test
    void modeNamesParseStrictly() {
        assertThat(ExecutionMode.parse("direct_llm")).contains(DIRECT_LLM);
        assertThat(ExecutionMode.parse(null)).isEmpty();
        assertThat(ExecutionMode.parse(" ")).isEmpty();
        assertThatThrownBy(() -> ExecutionMode.parse("LEGACY")).isInstanceOf(IllegalArgumentException.class);
    }
}

package io.chatgw.conversation;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Bounds the history sent with a message: the completed turns, newest first, as long as they fit in both
 * {@code max-turns} and {@code history-token-budget} (tokens of each message's content, counted with jtokkit).
 * The oldest are dropped first; a turn goes whole (its input or message, and its answer) or not at all, and so does
 * one that answers tool calls of a turn that was cut (its input opens with tool outputs). Failed turns are not sent.
 */
public final class HistoryWindow {

    /**
     * The bounded history, oldest first, and what was cut: {@code turnsDropped} counts the completed turns
     * looked at but not sent (the store hands over max-turns + 1, so 1 there means "older ones exist").
     */
    public record Bounded(List<Map<String, Object>> messages, int turnsKept, int turnsDropped, int tokens) {
        public String describe() {
            return "history_turns=" + turnsKept + " history_dropped=" + turnsDropped + " history_tokens=" + tokens;
        }
    }

    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

    private final int maxTurns;
    private final int tokenBudget;
    private final Encoding encoding;

    public HistoryWindow(int maxTurns, int tokenBudget, String encodingName) {
        if (maxTurns < 0 || tokenBudget < 0) {
            throw new IllegalArgumentException("gateway.conversations.max-turns and history-token-budget must be >= 0");
        }
        this.maxTurns = maxTurns;
        this.tokenBudget = tokenBudget;
        this.encoding = REGISTRY.getEncoding(encodingName).orElseThrow(() -> new IllegalArgumentException(
                "gateway.conversations.encoding: unknown jtokkit encoding '" + encodingName + "'"));
    }

    /** @param newestFirst stored turns, newest first (failed ones included: they are skipped, not counted) */
    public Bounded bound(List<ConversationTurn> newestFirst) {
        List<ConversationTurn> kept = new ArrayList<>();
        List<Integer> costs = new ArrayList<>();
        int tokens = 0;
        int completed = 0;
        boolean full = false; // once a turn does not fit, no older one goes either: the history stays contiguous
        for (ConversationTurn turn : newestFirst) {
            if (!turn.completed()) {
                continue;
            }
            completed++;
            if (full || kept.size() >= maxTurns) {
                continue;
            }
            int cost = turn.tokens() != null ? turn.tokens() : count(turn);
            if (tokens + cost > tokenBudget) {
                full = true;
                continue;
            }
            tokens += cost;
            kept.add(turn);
            costs.add(cost);
        }
        Collections.reverse(kept);
        Collections.reverse(costs);
        // a turn whose input opens with tool outputs answers calls of the turn before it: without that turn it goes too
        while (!kept.isEmpty() && opensWithToolOutput(kept.get(0))) {
            kept.remove(0);
            tokens -= costs.remove(0);
        }
        List<Map<String, Object>> messages = new ArrayList<>(kept.size() * 2);
        for (ConversationTurn turn : kept) {
            messages.addAll(turn.messages());
        }
        return new Bounded(List.copyOf(messages), kept.size(), completed - kept.size(), tokens);
    }

    private static boolean opensWithToolOutput(ConversationTurn turn) {
        return turn.input() != null && !turn.input().isEmpty() && "tool".equals(turn.input().get(0).get("role"));
    }

    /** The turn's tokens (its input or message, its answer and tool calls' arguments) in this window's encoding. */
    public int count(ConversationTurn turn) {
        int total = 0;
        for (Map<String, Object> message : turn.messages()) {
            total += message.get("content") instanceof String text ? tokens(text) : 0;
            if (message.get("tool_calls") instanceof List<?> calls) {
                for (Object call : calls) {
                    if (call instanceof Map<?, ?> c && c.get("function") instanceof Map<?, ?> f
                            && f.get("arguments") instanceof String arguments) {
                        total += tokens(arguments);
                    }
                }
            }
        }
        return total;
    }

    public String encodingName() {
        return encoding.getName();
    }

    int tokens(String text) {
        return text == null || text.isEmpty() ? 0 : encoding.countTokensOrdinary(text);
    }
}

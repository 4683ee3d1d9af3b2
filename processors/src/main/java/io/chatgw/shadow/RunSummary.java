package io.chatgw.shadow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.chatgw.turn.ChatEventTypes;
import io.chatgw.turn.EventTrace;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What one side of a shadow pair answered, as compared (docs/shadow.md): the event-type sequence (consecutive
 * {@code text} events count as one: chunking is not a difference; {@code status} events are left out), the final
 * text, the tool calls in order (kind, name, arguments as canonical JSON: call ids are not compared), unpaired calls
 * and results, the plan steps, time to first event, duration and the outcome.
 */
record RunSummary(String path, String status, String errorCode, Integer ttfeMs, int durationMs,
                  List<String> eventTypes, String text, List<String> toolCalls, int pairingErrors,
                  List<String> planSteps, List<Map<String, Object>> events, int eventCount) {

    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final Set<String> CALLS = Set.of(ChatEventTypes.SKILL_CALL, ChatEventTypes.MCP_CALL);
    private static final Set<String> RESULTS = Set.of(ChatEventTypes.SKILL_RESULT, ChatEventTypes.MCP_RESULT);

    boolean completed() {
        return "completed".equals(status);
    }

    /**
     * @param storedEvents   events kept in {@link #events()} at most (all are compared)
     * @param storedTextChars characters of a kept text event at most
     */
    static RunSummary of(String path, String status, String errorCode, Integer ttfeMs, int durationMs,
                         List<EventTrace.Traced> trace, int storedEvents, int storedTextChars) {
        List<String> types = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        List<String> toolCalls = new ArrayList<>();
        List<String> planSteps = new ArrayList<>();
        List<Map<String, Object>> events = new ArrayList<>();
        Set<String> openCalls = new HashSet<>();
        int pairingErrors = 0;
        boolean previousStored = false;
        for (EventTrace.Traced e : trace) {
            String type = e.type();
            Map<String, ?> data = e.data();
            if (ChatEventTypes.STATUS.equals(type)) {
                continue;
            }
            boolean continuesText = ChatEventTypes.TEXT.equals(type) && !types.isEmpty()
                    && ChatEventTypes.TEXT.equals(types.get(types.size() - 1));
            if (!continuesText) {
                types.add(type);
            }
            if (ChatEventTypes.TEXT.equals(type)) {
                String delta = data.get("delta") instanceof String d ? d : "";
                text.append(delta);
                if (continuesText && previousStored) {
                    Map<String, Object> last = events.get(events.size() - 1);
                    last.put("text", clip(last.get("text") + delta, storedTextChars));
                    continue;
                }
            } else if (CALLS.contains(type)) {
                toolCalls.add(type.substring(0, type.indexOf('_')) + " " + data.get("name") + " " + canonical(data.get("arguments")));
                if (data.get("call_id") != null && !openCalls.add(String.valueOf(data.get("call_id")))) {
                    pairingErrors++; // the same call id twice
                }
            } else if (RESULTS.contains(type)) {
                if (data.get("call_id") == null || !openCalls.remove(String.valueOf(data.get("call_id")))) {
                    pairingErrors++; // a result without its call
                }
            } else if (ChatEventTypes.PLAN_STEP.equals(type)) {
                planSteps.add(data.get("step") + " " + data.get("title"));
            }
            previousStored = events.size() < storedEvents;
            if (previousStored) {
                events.add(condensed(type, data, storedTextChars));
            }
        }
        pairingErrors += openCalls.size(); // calls never answered
        return new RunSummary(path, status, errorCode, ttfeMs, durationMs, List.copyOf(types), text.toString(),
                List.copyOf(toolCalls), pairingErrors, List.copyOf(planSteps), events, trace.size());
    }

    private static Map<String, Object> condensed(String type, Map<String, ?> data, int textChars) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        if (ChatEventTypes.TEXT.equals(type)) {
            m.put("text", clip(Objects.toString(data.get("delta"), ""), textChars));
        } else {
            data.forEach((k, v) -> m.put(k, v instanceof String s ? clip(s, textChars) : v));
        }
        return m;
    }

    static String canonical(Object value) {
        try {
            return CANONICAL.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}

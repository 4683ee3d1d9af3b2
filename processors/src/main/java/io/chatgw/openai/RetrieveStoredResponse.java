package io.chatgw.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.auth.Caller;
import io.chatgw.conversation.ConversationTurn;
import io.chatgw.core.ExchangeKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * {@code GET /v1/responses/{id}}: the caller's stored response ({@link StoredResponses}) as a response object: its
 * status ({@code completed}; {@code incomplete} with its reason when the LLM stopped at max_output_tokens or its
 * content filter, as the create call said; or {@code failed} with the turn's error code), its output (the answer's message, its
 * function calls), the path's model and usage from the usage record (until it is written: the gateway's first
 * model, no usage), and the request's settings as sent ({@code instructions}, {@code temperature}, {@code tools},
 * {@code text}, {@code metadata}, ...; a response stored before they were kept shows the defaults). An unknown id, another user's response and one created with
 * {@code store: false} are a 404 in OpenAI's shape.
 */
@Component("retrieveStoredResponse")
public class RetrieveStoredResponse implements Processor {

    private final StoredResponses stored;
    private final ObjectMapper json;
    /** The model named while the usage record is not written yet: the gateway's first listed one. */
    private final String defaultModel;

    public RetrieveStoredResponse(StoredResponses stored, ObjectMapper json, OpenAiProperties config) {
        this.stored = stored;
        this.json = json;
        this.defaultModel = config.models().isEmpty() ? "chat-gateway" : config.models().get(0);
    }

    @Override
    public void process(Exchange exchange) {
        String id = exchange.getIn().getHeader(OpenAiKeys.RESPONSE_ID_HEADER, String.class);
        Caller caller = exchange.getProperty(ExchangeKeys.CALLER, Caller.class);
        String hex = id != null && id.startsWith(ParseResponseRequest.PREFIX) ? id.substring(ParseResponseRequest.PREFIX.length()) : "";
        ConversationTurn turn = hex.matches("[0-9a-f]{32}")
                ? stored.find(StoredResponses.uuid(hex), caller).orElse(null) : null;
        if (turn == null) {
            throw new InvalidParameter(404, "response_not_found", "Response with id '"
                    + ResponseInput.abbreviate(id == null ? "" : id) + "' not found.", null);
        }
        exchange.getMessage().setBody(response(turn));
    }

    private Map<String, Object> response(ConversationTurn turn) {
        ResponseObjects objects = new ResponseObjects(json, turn.requestId().toString(),
                ResponseRequest.stored(turn.previousRequestId(), turn.settings()), turn.startedAt().getEpochSecond());
        JsonNode done = stored.usage(turn.requestId());
        List<Map<String, Object>> calls = StoredResponses.functionCalls(turn);
        String incomplete = turn.completed() ? ResponseObjects.incompleteReason(turn.finishReason()) : null;
        String status = !turn.completed() ? ResponseObjects.FAILED
                : incomplete != null ? ResponseObjects.INCOMPLETE : ResponseObjects.COMPLETED;
        List<Map<String, Object>> output = new ArrayList<>();
        if (!turn.answer().isEmpty() || calls.isEmpty()) {
            output.add(objects.message(ResponseObjects.COMPLETED.equals(status) ? status : ResponseObjects.INCOMPLETE,
                    List.of(ResponseObjects.outputText(turn.answer()))));
        }
        for (int i = 0; i < calls.size(); i++) {
            Map<String, Object> call = calls.get(i);
            output.add(objects.functionCall(i, ResponseObjects.COMPLETED, (String) call.get("call_id"),
                    (String) call.get("name"), (String) call.get("arguments")));
        }
        String model = done.hasNonNull("model") ? done.get("model").asText() : defaultModel;
        if (!turn.completed()) {
            return objects.response(status, model, output, OpenAiUsage.responses(done), Map.of("code",
                    turn.errorCode() == null ? "internal_error" : turn.errorCode(), "message", "the answer failed"), null);
        }
        return objects.response(status, model, output, OpenAiUsage.responses(done), null, incomplete);
    }
}

package io.chatgw.it;

import com.openai.core.JsonValue;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseInputItem;
import java.util.List;
import java.util.Map;

/** The Responses API pieces the SDK tests build their requests of: function tools and input items. */
final class ResponsesItems {

    /** The stand-in's arguments for {@link #tool}: its schema's required property, sampled. */
    static final String ARGUMENTS = "{\"city\":\"stand-in\"}";

    private ResponsesItems() {
    }

    static FunctionTool tool(String name) {
        return FunctionTool.builder().name(name).description("a test tool").strict(false)
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build();
    }

    /** A request offering get_weather and get_time. */
    static ResponseCreateParams.Builder withTools() {
        return ResponseCreateParams.builder().model("chat-gateway").addTool(tool("get_weather")).addTool(tool("get_time"));
    }

    static ResponseInputItem user(String text) {
        return ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(EasyInputMessage.Role.USER)
                .content(text).build());
    }

    static ResponseInputItem output(String callId, String output) {
        return ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder().callId(callId)
                .output(output).build());
    }

    static ResponseInputItem reference(String id) {
        return ResponseInputItem.ofItemReference(ResponseInputItem.ItemReference.builder().id(id).build());
    }

    /** The text of the response's message. */
    static String text(Response response) {
        return response.output().stream().filter(o -> o.isMessage()).findFirst().orElseThrow().asMessage().content()
                .get(0).asOutputText().text();
    }
}

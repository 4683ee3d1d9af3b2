package io.chatgw.runtime;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Calls an OpenAI-compatible {@code POST /v1/chat/completions} with {@code stream: true} and
 * {@code stream_options.include_usage: true}, parsing the event stream incrementally with
 * {@link SseLineParser} and reporting content deltas to an {@link LlmStreamListener} as they
 * arrive. Used by the legacy runtime and by the execution plane
 * ({@code io.chatgw.runtime.plane}).
 */
public final class LlmChatClient {

  private static final int MAX_ERROR_BODY_BYTES = 16 * 1024;

  private final HttpClient httpClient;
  private final String completionsUrl;
  private final String apiKey;
  private final String model;

  public LlmChatClient(HttpClient httpClient, String llmBaseUrl, String apiKey, String model) {
    this.httpClient = httpClient;
    this.completionsUrl = llmBaseUrl + "/v1/chat/completions";
    this.apiKey = apiKey;
    this.model = model;
  }

  /** Starts a streamed completion of {@code messages}; must be called on an event loop. */
  public LlmCall streamChat(JsonArray messages, LlmStreamListener listener) {
    return streamChat(messages, new JsonObject(), listener);
  }

  /**
   * As {@link #streamChat(JsonArray, LlmStreamListener)}, with the OpenAI parameters the gateway passed on
   * ({@code max_tokens}, {@code temperature}, {@code response_format}, {@code tools}, ...) in the request; they
   * cannot replace {@code messages} or the streaming fields. A {@code model} among them (an OpenAI model alias's
   * upstream model) replaces the configured one.
   */
  public LlmCall streamChat(JsonArray messages, JsonObject parameters, LlmStreamListener listener) {
    return streamChat(messages, parameters, java.util.Map.of(), listener);
  }

  /**
   * As {@link #streamChat(JsonArray, JsonObject, LlmStreamListener)}, with {@code headers} on the request: the run's
   * own {@code traceparent} ({@link TraceContext}) and, for a shadow run, the gateway's shadow marker.
   */
  public LlmCall streamChat(JsonArray messages, JsonObject parameters, java.util.Map<String, String> headers,
      LlmStreamListener listener) {
    JsonObject body = parameters.copy();
    if (!(body.getValue("model") instanceof String)) { // the gateway names one for a model alias
      body.put("model", model);
    }
    body
        .put("messages", messages)
        .put("stream", true)
        .put("stream_options", new JsonObject().put("include_usage", true));
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(completionsUrl)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.ACCEPT, "text/event-stream");
    headers.forEach(options::putHeader);
    if (apiKey != null) {
      options.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey);
    }
    LlmCall call = new LlmCall(listener);
    httpClient.request(options)
        .onFailure(error -> call.fail("LLM unreachable at " + completionsUrl + ": " + describe(error)))
        .onSuccess(request -> {
          if (!call.attach(request)) {
            return;
          }
          request.send(body.toBuffer())
              .onFailure(error -> call.fail("LLM request failed: " + describe(error)))
              .onSuccess(call::onResponse);
        });
    return call;
  }

  static String describe(Throwable error) {
    String message = error.getMessage();
    return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
  }

  /** One streamed completion in flight: can be paused, resumed and cancelled. */
  public static final class LlmCall {

    private final LlmStreamListener listener;
    private HttpClientRequest request;
    private HttpClientResponse response;
    private boolean finished;
    private boolean paused;
    private String reportedModel;
    private LlmStreamListener.LlmUsage usage;
    /** Tool calls being assembled from their fragments, by index: {id, name, arguments}. */
    private final java.util.TreeMap<Integer, String[]> toolCalls = new java.util.TreeMap<>();

    private LlmCall(LlmStreamListener listener) {
      this.listener = listener;
    }

    /** Stops reading the LLM's stream until {@link #resume()}. */
    public void pause() {
      paused = true;
      if (response != null) {
        response.pause();
      }
    }

    public void resume() {
      paused = false;
      if (response != null && !finished) {
        response.resume();
      }
    }

    /** Abandons the call and resets the request (closing the connection); no more callbacks. */
    public void cancel() {
      if (finished) {
        return;
      }
      finished = true;
      if (request != null) {
        request.reset();
      }
    }

    private boolean attach(HttpClientRequest request) {
      this.request = request;
      if (finished) {
        request.reset();
        return false;
      }
      return true;
    }

    private void onResponse(HttpClientResponse response) {
      if (finished) {
        return;
      }
      this.response = response;
      response.exceptionHandler(error -> fail("LLM stream broke: " + describe(error)));
      int status = response.statusCode();
      if (status < 200 || status > 299) {
        readErrorBody(response);
        return;
      }
      String contentType = response.getHeader(HttpHeaders.CONTENT_TYPE);
      if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("text/event-stream")) {
        fail("LLM answered " + status + " with content type " + contentType + " instead of text/event-stream");
        request.reset();
        return;
      }
      SseLineParser parser = new SseLineParser(event -> onEvent(event.data()));
      response.handler(chunk -> {
        if (finished) {
          return;
        }
        try {
          parser.feed(chunk);
        } catch (SseLineParser.SseParseException e) {
          fail("LLM stream is malformed: " + e.getMessage());
          request.reset();
        }
      });
      response.endHandler(ignored -> fail("LLM stream ended before [DONE]"));
      if (paused) {
        response.pause();
      }
    }

    private void onEvent(String data) {
      if (finished) {
        return;
      }
      if (data.equals("[DONE]")) {
        deliverToolCalls();
        finished = true;
        listener.onCompleted(reportedModel, usage);
        return;
      }
      JsonObject chunk;
      try {
        chunk = new JsonObject(data);
      } catch (DecodeException e) {
        fail("LLM sent an event that is not a JSON object: " + abbreviate(data));
        request.reset();
        return;
      }
      JsonObject error = chunk.getValue("error") instanceof JsonObject ? chunk.getJsonObject("error") : null;
      if (error != null) {
        fail("LLM reported an error: " + error.getValue("message"));
        request.reset();
        return;
      }
      if (chunk.getValue("model") instanceof String) {
        reportedModel = chunk.getString("model");
      }
      if (chunk.getValue("usage") instanceof JsonObject) {
        JsonObject reported = chunk.getJsonObject("usage");
        usage = new LlmStreamListener.LlmUsage(number(reported.getValue("prompt_tokens")),
            number(reported.getValue("completion_tokens")));
      }
      String content = deltaContent(chunk);
      if (content != null && !content.isEmpty()) {
        listener.onContent(content, logprobs(chunk));
      }
      collectToolCalls(chunk);
      String finishReason = finishReason(chunk);
      if (finishReason != null) {
        deliverToolCalls();
        listener.onFinishReason(finishReason);
      }
    }

    private void collectToolCalls(JsonObject chunk) {
      JsonObject delta = firstChoice(chunk) == null ? null : firstChoice(chunk).getJsonObject("delta");
      if (delta == null || !(delta.getValue("tool_calls") instanceof JsonArray calls)) {
        return;
      }
      for (Object entry : calls) {
        if (!(entry instanceof JsonObject fragment)) {
          continue;
        }
        int index = fragment.getValue("index") instanceof Number n ? n.intValue() : toolCalls.size();
        String[] call = toolCalls.computeIfAbsent(index, i -> new String[] {null, "", ""});
        if (call[0] == null && fragment.getValue("id") instanceof String id) {
          call[0] = id;
        }
        if (fragment.getValue("function") instanceof JsonObject function) {
          if (function.getValue("name") instanceof String name) {
            call[1] += name;
          }
          if (function.getValue("arguments") instanceof String arguments) {
            call[2] += arguments;
          }
        }
      }
    }

    private void deliverToolCalls() {
      int index = 0;
      for (String[] call : toolCalls.values()) {
        listener.onToolCall(index, call[0] != null ? call[0] : "call_" + index, call[1], call[2]);
        index++;
      }
      toolCalls.clear();
    }

    private static JsonObject firstChoice(JsonObject chunk) {
      return chunk.getValue("choices") instanceof JsonArray choices && !choices.isEmpty()
          && choices.getValue(0) instanceof JsonObject choice ? choice : null;
    }

    private static JsonArray logprobs(JsonObject chunk) {
      JsonObject choice = firstChoice(chunk);
      return choice != null && choice.getValue("logprobs") instanceof JsonObject logprobs
          && logprobs.getValue("content") instanceof JsonArray content ? content : null;
    }

    private static String finishReason(JsonObject chunk) {
      Object choices = chunk.getValue("choices");
      if (!(choices instanceof JsonArray) || ((JsonArray) choices).isEmpty()
          || !(((JsonArray) choices).getValue(0) instanceof JsonObject choice)) {
        return null;
      }
      return choice.getValue("finish_reason") instanceof String reason ? reason : null;
    }

    private static String deltaContent(JsonObject chunk) {
      Object choices = chunk.getValue("choices");
      if (!(choices instanceof JsonArray) || ((JsonArray) choices).isEmpty()) {
        return null;
      }
      Object choice = ((JsonArray) choices).getValue(0);
      if (!(choice instanceof JsonObject)) {
        return null;
      }
      Object delta = ((JsonObject) choice).getValue("delta");
      if (!(delta instanceof JsonObject)) {
        return null;
      }
      Object content = ((JsonObject) delta).getValue("content");
      return content instanceof String ? (String) content : null;
    }

    private void readErrorBody(HttpClientResponse response) {
      int status = response.statusCode();
      Buffer body = Buffer.buffer();
      response.handler(chunk -> {
        if (body.length() < MAX_ERROR_BODY_BYTES) {
          body.appendBuffer(chunk);
        }
      });
      response.endHandler(ignored -> fail("LLM answered HTTP " + status + errorDetail(body)));
    }

    private static String errorDetail(Buffer body) {
      try {
        Object message = new JsonObject(body).getJsonObject("error").getValue("message");
        if (message != null) {
          return ": " + message;
        }
      } catch (RuntimeException notOpenAiShaped) {
        // fall through to the raw body
      }
      String text = body.toString().strip();
      return text.isEmpty() ? "" : ": " + abbreviate(text);
    }

    private static long number(Object value) {
      return value instanceof Number ? ((Number) value).longValue() : 0;
    }

    private static String abbreviate(String text) {
      return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    private void fail(String message) {
      if (finished) {
        return;
      }
      finished = true;
      listener.onFailed(message);
    }
  }
}

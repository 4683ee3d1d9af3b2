package io.chatgw.openai;

/** Exchange properties and headers of the routes in routes/openai.yaml (the shared ones are in ExchangeKeys). */
public final class OpenAiKeys {
    /** {@link CompletionRequest} set by parseCompletionRequest. */
    public static final String COMPLETION_REQUEST = "completionRequest";
    /** {@link ResponseRequest} set by parseResponseRequest (POST /v1/responses). */
    public static final String RESPONSE_REQUEST = "responseRequest";
    /** Where the completion's session came from: {@link #FROM_HEADER}, {@link #FROM_USER_FIELD} or {@link #FOR_REQUEST}. */
    public static final String SESSION_SOURCE = "completionSessionSource";
    public static final String FROM_HEADER = "header";
    public static final String FROM_USER_FIELD = "user";
    public static final String FOR_REQUEST = "request";
    /** The session of the stored response a {@code previous_response_id} names. */
    public static final String FROM_PREVIOUS_RESPONSE = "previous_response";
    /** Header: the value of the configured session header ({@code X-Session-Id}), if the client sent one. */
    public static final String SESSION_HEADER = "openaiSessionId";
    /** Header: the value of {@code X-Gateway-Runtime-Events}, if the client sent one. */
    public static final String RUNTIME_EVENTS_HEADER = "openaiRuntimeEvents";
    /** Header: {@code user_id} query parameter of the admin key listing. */
    public static final String USER_ID_HEADER = "userId";
    /** Header: the key id in DELETE /api/v1/admin/api-keys/{keyId}. */
    public static final String KEY_ID_HEADER = "keyId";

    private OpenAiKeys() {
    }
}

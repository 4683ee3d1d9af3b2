package io.chatgw.core;

/** Names of the exchange properties and headers the chat routes share. */
public final class ExchangeKeys {
    /** {@link io.chatgw.auth.Caller} set by authenticateCaller. */
    public static final String CALLER = "caller";
    /** Set (true) when the caller authenticated with an API key rather than a user JWT (AuthenticateCaller). */
    public static final String CALLER_VIA_API_KEY = "callerViaApiKey";
    /** {@link io.chatgw.session.ChatSession} set by loadOwnedSession / createSession. */
    public static final String SESSION = "session";
    /** The user's message text, set by parseChatMessage. */
    public static final String MESSAGE = "chatMessage";
    /**
     * The conversation before {@link #MESSAGE}: a {@code List<Map<String, Object>>} of OpenAI chat messages
     * ({role, content}, plus {@code tool_calls} / {@code tool_call_id} in tool exchanges), oldest first. Set by
     * loadConversation (the session's stored conversation) for the native chat API, by parseCompletionRequest from
     * OpenAI {@code messages}.
     */
    public static final String HISTORY = "chatHistory";
    /**
     * The messages after {@link #MESSAGE} in an OpenAI request (same shape as {@link #HISTORY}): the assistant's tool
     * calls, their {@code tool} results, and at most one last assistant message (a prefill). Absent otherwise.
     */
    public static final String CONTINUATION = "chatContinuation";
    /** What {@link #HISTORY} holds and what was cut from it (loadConversation), for the turn's log line. */
    public static final String HISTORY_NOTE = "chatHistoryNote";
    /**
     * The OpenAI parameters the paths pass to their LLM call ({@code Map<String, Object>}, as the client sent
     * them; set by parseCompletionRequest, absent for the native chat API).
     */
    public static final String LLM_PARAMETERS = "llmParameters";
    /** Boolean.FALSE: the session's conversation does not keep this turn (a per-request OpenAI session). */
    public static final String KEEP_CONVERSATION = "keepConversation";
    /**
     * A {@link io.chatgw.turn.ConversationLink} for the turn (an OpenAI response: kept or not, the response it
     * continues, its input's earlier messages); absent: {@link #KEEP_CONVERSATION} decides.
     */
    public static final String CONVERSATION_LINK = "conversationLink";
    /** The {@link io.chatgw.conversation.ConversationTurn} an ended turn adds, while it is written. */
    public static final String CONVERSATION_TURN = "conversationTurn";
    /**
     * An {@link ExecutionMode} the request asks for (an OpenAI model alias's path, set by resolveCompletionModel):
     * resolveExecutionMode decides it unless a rollback or the automatic fallback applies (reason model_alias).
     */
    public static final String REQUESTED_PATH = "requestedPath";
    /** {@link io.chatgw.routing.ModeDecision} set by resolveExecutionMode. */
    public static final String DECISION = "modeDecision";
    /**
     * The wire name of the path to start now (routes/paths.yaml's start-path): the decided one, set by openTurn,
     * then the fallback target if the breaker's onFallback chose one. The turn's runs say which one answered.
     */
    public static final String PATH = "path";
    /** {@link io.chatgw.turn.Turn} set by openTurn. */
    public static final String TURN = "turn";

    /** Headers the HTTP layer hands to the routes. */
    public static final String HTTP_AUTHORIZATION = "Authorization";
    public static final String HTTP_CONTENT_TYPE = "Content-Type";
    /** The caller's W3C trace context header, if any (a turn's span continues it: io.chatgw.tracing.TurnTraces). */
    public static final String TRACEPARENT = "traceparent";
    /** The client's IP address as the HTTP layer saw it (the source of an audited authentication failure). */
    public static final String REMOTE_ADDRESS = "gatewayRemoteAddress";
    public static final String SESSION_ID_HEADER = "sessionId";
    /** The HTTP request's id (x-request-id: the client's valid one, or a new one): a turn's request_id. */
    public static final String REQUEST_ID_HEADER = "requestId";
    /** Boolean: {@link #REQUEST_ID_HEADER} was sent by the client (so it may have been used before). */
    public static final String REQUEST_ID_FROM_CLIENT = "requestIdFromClient";

    private ExchangeKeys() {
    }
}

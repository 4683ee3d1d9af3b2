package io.chatgw.core;

/** Names of the exchange properties and headers the chat routes share. */
public final class ExchangeKeys {
    /** {@link io.chatgw.auth.Caller} set by authenticateCaller. */
    public static final String CALLER = "caller";
    /** {@link io.chatgw.session.ChatSession} set by loadOwnedSession / createSession. */
    public static final String SESSION = "session";
    /** The user's message text, set by parseChatMessage. */
    public static final String MESSAGE = "chatMessage";
    /**
     * The conversation before {@link #MESSAGE}: a {@code List<Map<String, String>>} of {role, content}, oldest
     * first. Absent (= empty) for the native chat API; set by parseCompletionRequest from OpenAI {@code messages}.
     */
    public static final String HISTORY = "chatHistory";
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
    /** The client's IP address as the HTTP layer saw it (the source of an audited authentication failure). */
    public static final String REMOTE_ADDRESS = "gatewayRemoteAddress";
    public static final String SESSION_ID_HEADER = "sessionId";

    private ExchangeKeys() {
    }
}

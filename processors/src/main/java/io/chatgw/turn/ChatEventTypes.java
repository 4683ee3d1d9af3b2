package io.chatgw.turn;

/** The event types of the chat API's SSE stream (docs/chat-api.md describes each one's data). */
public final class ChatEventTypes {
    public static final String ROUTE = "route";
    /** The decided path failed before its first event; another one answers on the same stream. */
    public static final String FALLBACK = "fallback";
    public static final String TEXT = "text";
    public static final String PLAN_STEP = "plan_step";
    public static final String SKILL_CALL = "skill_call";
    public static final String SKILL_RESULT = "skill_result";
    public static final String MCP_CALL = "mcp_call";
    public static final String MCP_RESULT = "mcp_result";
    public static final String STATUS = "status";
    /** A tool call of the LLM for the client to run (OpenAI {@code tools}): {index, id, name, arguments}. */
    public static final String TOOL_CALL = "tool_call";
    public static final String ERROR = "error";
    public static final String DONE = "done";
    public static final String RESYNC = "resync";

    private ChatEventTypes() {
    }
}

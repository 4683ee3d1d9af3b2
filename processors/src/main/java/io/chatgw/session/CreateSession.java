package io.chatgw.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.auth.Caller;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Creates a session for the caller. Body is optional: empty, or JSON {@code {"agent_id": "..."}}.
 * Replies with the session as a JSON map (status 201 set by the HTTP layer).
 */
@Component("createSession")
public class CreateSession implements Processor {

    private final SessionStore sessions;
    private final ObjectMapper json;
    private final io.chatgw.relay.SessionRelay relay;
    private final io.chatgw.conversation.Conversations conversations;

    public CreateSession(SessionStore sessions, ObjectMapper json, io.chatgw.relay.SessionRelay relay,
                         io.chatgw.conversation.Conversations conversations) {
        this.sessions = sessions;
        this.json = json;
        this.relay = relay;
        this.conversations = conversations;
    }

    @Override
    public void process(Exchange exchange) {
        Caller caller = exchange.getProperty(ExchangeKeys.CALLER, Caller.class);
        byte[] body = exchange.getIn().getBody(byte[].class);
        String agentId = null;
        if (body != null && body.length > 0 && !new String(body).isBlank()) {
            String contentType = exchange.getIn().getHeader(ExchangeKeys.HTTP_CONTENT_TYPE, String.class);
            ParseChatMessage.requireJson(contentType);
            JsonNode node = io.chatgw.core.StrictJson.readObject(json, body);
            JsonNode agent = node.get("agent_id");
            if (agent != null && !agent.isNull()) {
                if (!agent.isTextual() || agent.asText().isBlank()) {
                    throw GatewayException.badRequest("invalid_agent_id", "agent_id must be a non-empty string");
                }
                agentId = agent.asText();
            }
        }
        ChatSession session = sessions.create(caller, agentId);
        // what this instance knows of it from birth: its relay at the epoch its row was born with (no UPDATE at its
        // first message) and an empty conversation, so its first message needs neither from PostgreSQL
        relay.streamOfNewSession(session.id());
        conversations.started(session.id());
        exchange.setProperty(ExchangeKeys.SESSION, session);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("session_id", session.id().toString());
        reply.put("agent_id", session.agentId());
        exchange.getMessage().setBody(reply);
    }
}

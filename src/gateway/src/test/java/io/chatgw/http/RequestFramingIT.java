package io.chatgw.http;

import static io.chatgw.support.RawHttp.chunk;
import static io.chatgw.support.RawHttp.head;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.RawHttp;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A request whose chunked body breaks off after a valid first chunk (the next chunk-size line is garbage) is
 * answered 400 and nothing is done: every endpoint that acts is reached only once the whole body arrived intact.
 * Each test sends a first chunk that is on its own a complete, valid request body, over a raw socket.
 */
class RequestFramingIT extends GatewayTestBase {

    private static final String BROKEN = "zz-not-hex\r\n{\"more\": 1}\r\n0\r\n\r\n";

    /** Sends {@code body} as the first chunk, then a garbage chunk-size line; expects 400 malformed_body and a close. */
    private RawHttp.Response sendBroken(String method, String path, String token, String body) throws Exception {
        try (RawHttp http = RawHttp.connect(port)) {
            http.send(head(method, path, "Authorization: Bearer " + token, "Content-Type: application/json",
                    "Transfer-Encoding: chunked") + chunk(body));
            Thread.sleep(100); // the first chunk arrives on its own, as the handler would have seen it
            http.send(BROKEN);
            RawHttp.Response response = http.read();
            assertThat(response.status()).as(response.body()).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).at("/error/code").asText()).isEqualTo("malformed_body");
            assertThat(response.header("connection")).isEqualToIgnoringCase("close");
            assertThat(http.closedByServer()).isTrue();
            return response;
        }
    }

    private int count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Integer.class, args);
    }

    @Test
    void aSessionIsNotCreatedWhenTheBodyFramingBreaks() throws Exception {
        String user = "u-framing-" + UUID.randomUUID();
        sendBroken("POST", "/api/v1/sessions", tokenFor(user, "org-acme"), "{}");
        assertThat(count("SELECT count(*) FROM sessions WHERE user_id = ?", user)).isZero();
    }

    @Test
    void aMessageIsNotRunWhenTheBodyFramingBreaks() throws Exception {
        String token = tokenFor("u-alice", "org-acme");
        String session = newSession(token);
        sendBroken("POST", "/api/v1/sessions/" + session + "/messages", token, "{\"message\": \"hello\"}");
        Thread.sleep(500); // a turn started anyway would have written its record by now
        assertThat(count("SELECT count(*) FROM usage_records WHERE session_id = ?::uuid", session)).isZero();
        assertThat(count("SELECT count(*) FROM conversation_turns WHERE session_id = ?::uuid", session)).isZero();
    }

    @Test
    void aChatCompletionIsNotRunWhenTheBodyFramingBreaks() throws Exception {
        String user = "u-framing-" + UUID.randomUUID();
        sendBroken("POST", "/v1/chat/completions", tokenFor(user, "org-acme"),
                "{\"model\": \"chat-gateway\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
        Thread.sleep(500);
        assertThat(count("SELECT count(*) FROM usage_records WHERE user_id = ?", user)).isZero();
    }

    @Test
    void anApiKeyIsNotCreatedWhenTheBodyFramingBreaks() throws Exception {
        String name = "framing-" + UUID.randomUUID();
        sendBroken("POST", "/api/v1/admin/api-keys", tokenFor("u-admin", "org-acme", "admin"),
                "{\"user_id\": \"u-alice\", \"name\": \"" + name + "\"}");
        assertThat(count("SELECT count(*) FROM api_keys WHERE name = ?", name)).isZero();
    }

    @Test
    void anAdminChangeIsNotMadeWhenTheBodyFramingBreaks() throws Exception {
        String user = "u-framing-" + UUID.randomUUID();
        newSession(tokenFor(user, "org-acme")); // provisions the user
        sendBroken("PUT", "/api/v1/admin/users/" + user + "/mode", tokenFor("u-admin", "org-acme", "admin"),
                "{\"execution_mode\": \"direct_llm\"}");
        assertThat(jdbc.queryForObject("SELECT execution_mode FROM users WHERE id = ?", String.class, user)).isNull();
        assertThat(count("SELECT count(*) FROM audit_log WHERE target = ?", "user:" + user)).isZero();
    }

    @Test
    void aSessionIsNotDeletedWhenTheBodyOfTheDeleteIsBrokenlyFramed() throws Exception {
        String token = tokenFor("u-alice", "org-acme");
        String session = newSession(token);
        sendBroken("DELETE", "/api/v1/sessions/" + session, token, "{}");
        assertThat(count("SELECT count(*) FROM sessions WHERE id = ?::uuid", session)).isEqualTo(1);
    }

    @Test
    void aVmTokenIsNotIssuedWhenTheBodyFramingBreaks() throws Exception {
        sendBroken("POST", "/api/v1/vm-tokens", tokenFor("u-bob", "org-acme"), "{}");
    }

    @Test
    void theSameRequestWellFramedIsServed() throws Exception {
        String user = "u-framing-" + UUID.randomUUID();
        try (RawHttp http = RawHttp.connect(port)) {
            http.send(head("POST", "/api/v1/sessions", "Authorization: Bearer " + tokenFor(user, "org-acme"),
                    "Content-Type: application/json", "Transfer-Encoding: chunked") + chunk("{") + chunk("}") + "0\r\n\r\n");
            RawHttp.Response response = http.read();
            assertThat(response.status()).as(response.body()).isEqualTo(201);
        }
        assertThat(count("SELECT count(*) FROM sessions WHERE user_id = ?", user)).isEqualTo(1);
    }
}

package io.chatgw.plane.methods;

import io.chatgw.plane.PlaneProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.springframework.stereotype.Component;

/**
 * mcp_call {tool, arguments}: a JSON-RPC {@code tools/call} to the configured MCP server over HTTP, with a
 * per-call timeout ({@code mcp_timeout}); a JSON-RPC error is {@code mcp_error}. Waits without a thread.
 */
@Component("callMcpServer")
public class CallMcpServer extends AsyncProcessorSupport {

    private final Vertx vertx;
    private final HttpClient client;
    private final PlaneProperties config;
    private final ObjectMapper json;
    private final AtomicLong ids = new AtomicLong();

    public CallMcpServer(Vertx vertx, PlaneProperties config, ObjectMapper json,
                         @org.springframework.beans.factory.annotation.Value("${gateway.plane.request-threads:8}") int threads) {
        this.vertx = vertx;
        this.config = config;
        this.json = json;
        // a connection for every request thread: a call never waits for another plane's call to free one (fairness is
        // FairPlaneRequests'; Vert.x's default pool of 5 would queue calls past their timeout)
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                .setConnectTimeout((int) config.mcpTimeout().toMillis()).setMaxPoolSize(Math.max(1, threads)));
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        JsonNode params = exchange.getProperty(ReadPlaneRequest.PARAMS, JsonNode.class);
        try {
            if (config.mcpUrl() == null || config.mcpUrl().isBlank()) {
                throw new PlaneMethodException("mcp_not_configured", "no MCP server is configured (gateway.plane.mcp-url)");
            }
            JsonNode tool = params.get("tool");
            if (tool == null || !tool.isTextual() || tool.asText().isBlank()) {
                throw new PlaneMethodException("invalid_params", "'tool' must be a non-empty string");
            }
            JsonNode arguments = params.get("arguments");
            if (arguments != null && !arguments.isNull() && !arguments.isObject()) {
                throw new PlaneMethodException("invalid_params", "'arguments' must be an object");
            }
            Map<String, Object> rpc = Map.of("jsonrpc", "2.0", "id", ids.incrementAndGet(), "method", "tools/call",
                    "params", Map.of("name", tool.asText(), "arguments", arguments == null || arguments.isNull()
                            ? Map.of() : json.convertValue(arguments, Map.class)));
            Buffer body = Buffer.buffer(json.writeValueAsBytes(rpc));
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(config.mcpUrl())
                    .putHeader("Content-Type", "application/json").setTimeout(config.mcpTimeout().toMillis());
            client.request(options)
                    .compose(req -> req.send(body))
                    .compose(resp -> resp.body().map(b -> Map.entry(resp.statusCode(), b)))
                    .onComplete(ar -> {
                        if (ar.failed()) {
                            boolean timeout = ar.cause().getClass().getSimpleName().contains("Timeout")
                                    || String.valueOf(ar.cause().getMessage()).contains("timeout");
                            exchange.setException(new PlaneMethodException(timeout ? "mcp_timeout" : "mcp_error",
                                    timeout ? "MCP server did not answer within " + config.mcpTimeout().toMillis() + " ms"
                                            : "MCP server unreachable: " + ar.cause().getMessage()));
                        } else {
                            readReply(exchange, ar.result().getKey(), ar.result().getValue());
                        }
                        vertx.executeBlocking(() -> {
                            callback.done(false);
                            return null;
                        }, false);
                    });
            return false;
        } catch (Exception e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
    }

    private void readReply(Exchange exchange, int status, Buffer body) {
        try {
            JsonNode reply = json.readTree(body.getBytes());
            if (reply.hasNonNull("error")) {
                exchange.setException(new PlaneMethodException("mcp_error",
                        "MCP error " + reply.get("error").path("code").asInt() + ": " + reply.get("error").path("message").asText()));
            } else if (status != 200 || !reply.has("result")) {
                exchange.setException(new PlaneMethodException("mcp_error", "MCP server answered HTTP " + status));
            } else {
                exchange.getMessage().setBody(json.convertValue(reply.get("result"), Object.class));
            }
        } catch (Exception e) {
            exchange.setException(new PlaneMethodException("mcp_error", "MCP server sent an unreadable answer"));
        }
    }
}

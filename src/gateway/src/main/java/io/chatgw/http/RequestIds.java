package io.chatgw.http;

import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * {@code x-request-id} on every response: the client's own if it sent a valid one (a UUID), else a new one.
 * The routes get it (RouteCalls), and a chat turn takes it as its {@code request_id} (the usage record's, the
 * events'); a turn that had to take another one (the client's was used before) puts that in the header instead.
 */
@Component
public class RequestIds implements WebFilter, Ordered {

    public static final String HEADER = "x-request-id";
    private static final String ATTRIBUTE = RequestIds.class.getName();
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** The id of a request, and whether the client chose it. */
    record RequestId(AtomicReference<String> value, boolean fromClient) {
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String sent = exchange.getRequest().getHeaders().getFirst(HEADER);
        boolean valid = sent != null && UUID_TEXT.matcher(sent.trim()).matches();
        RequestId id = new RequestId(new AtomicReference<>(valid ? sent.trim().toLowerCase(Locale.ROOT)
                : UUID.randomUUID().toString()), valid);
        exchange.getAttributes().put(ATTRIBUTE, id);
        exchange.getResponse().beforeCommit(() -> {
            exchange.getResponse().getHeaders().set(HEADER, id.value().get());
            return Mono.empty();
        });
        return chain.filter(exchange);
    }

    static RequestId of(ServerRequest request) {
        return (RequestId) request.attribute(ATTRIBUTE).orElse(null);
    }

    /** The response's id is the turn's (they differ only when the client's id had been used before). */
    static void useTurnId(ServerRequest request, UUID turnId) {
        RequestId id = of(request);
        if (id != null) {
            id.value().set(turnId.toString());
        }
    }
}

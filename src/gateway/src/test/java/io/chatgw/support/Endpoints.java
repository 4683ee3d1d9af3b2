package io.chatgw.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.springframework.context.ApplicationContext;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/** Every HTTP endpoint the gateway's RouterFunction beans declare, as "METHOD /path/{var}", read by visiting them. */
public final class Endpoints {

    private Endpoints() {
    }

    public record Endpoint(String method, String path) implements Comparable<Endpoint> {
        @Override
        public int compareTo(Endpoint o) {
            return (path + " " + method).compareTo(o.path + " " + o.method);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    public static Set<Endpoint> of(ApplicationContext context) {
        Set<Endpoint> all = new TreeSet<>();
        for (RouterFunction<?> f : context.getBeansOfType(RouterFunction.class).values()) {
            f.accept(new Collector(all));
        }
        return all;
    }

    private static final class Collector implements RouterFunctions.Visitor {
        private final Set<Endpoint> into;

        Collector(Set<Endpoint> into) {
            this.into = into;
        }

        @Override
        public void route(RequestPredicate predicate, HandlerFunction<?> handler) {
            List<String> methods = new ArrayList<>();
            List<String> paths = new ArrayList<>();
            predicate.accept(new RequestPredicates.Visitor() {
                @Override
                public void method(Set<HttpMethod> ms) {
                    ms.forEach(m -> methods.add(m.name()));
                }

                @Override
                public void path(String pattern) {
                    paths.add(pattern);
                }

                @Override
                public void pathExtension(String extension) {
                }

                @Override
                public void header(String name, String value) {
                }

                @Override
                public void queryParam(String name, String value) {
                }

                @Override
                public void startAnd() {
                }

                @Override
                public void and() {
                }

                @Override
                public void endAnd() {
                }

                @Override
                public void startOr() {
                }

                @Override
                public void or() {
                }

                @Override
                public void endOr() {
                }

                @Override
                public void startNegate() {
                }

                @Override
                public void endNegate() {
                }

                @Override
                public void unknown(RequestPredicate predicate) {
                }
            });
            for (String p : paths) {
                for (String m : methods.isEmpty() ? List.of("GET") : methods) {
                    into.add(new Endpoint(m, p));
                }
            }
        }

        @Override
        public void startNested(RequestPredicate predicate) {
        }

        @Override
        public void endNested(RequestPredicate predicate) {
        }

        @Override
        public void resources(Function<ServerRequest, Mono<Resource>> lookupFunction) {
        }

        @Override
        public void attributes(Map<String, Object> attributes) {
        }

        @Override
        public void unknown(RouterFunction<?> routerFunction) {
        }
    }
}

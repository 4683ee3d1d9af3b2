package io.chatgw.admin;

import org.apache.camel.Exchange;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The scope checks routes/admin.yaml and routes/runtime.yaml name before an endpoint runs ({@link AdminScope}):
 * {@code requirePlatformAdmin} (the platform role), {@code requireAdminOfOrg} (header {@code orgId}, the path's
 * org) and {@code requireAdminOfUser} (header {@code userId}, the path's user). Endpoints whose target is in the
 * body or the query check it themselves through {@link AdminScope}.
 */
@Configuration(proxyBeanMethods = false)
public class RequireAdminScope {

    @Bean
    org.apache.camel.Processor requirePlatformAdmin(AdminScope scope) {
        return scope::requirePlatform;
    }

    @Bean
    org.apache.camel.Processor requireAdminOfOrg(AdminScope scope) {
        return exchange -> scope.requireOrg(exchange, header(exchange, "orgId"));
    }

    @Bean
    org.apache.camel.Processor requireAdminOfUser(AdminScope scope) {
        return exchange -> scope.requireUser(exchange, header(exchange, "userId"));
    }

    private static String header(Exchange exchange, String name) {
        return exchange.getIn().getHeader(name, String.class);
    }
}

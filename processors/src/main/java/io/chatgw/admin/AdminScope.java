package io.chatgw.admin;

import io.chatgw.auth.Caller;
import io.chatgw.core.ExchangeKeys;
import io.chatgw.core.GatewayException;
import java.util.List;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The one place an admin's scope is decided (docs/operations.md "Admin roles"): a platform admin (role {@code admin})
 * may act on everything; an org admin (role {@code org_admin}) only on its own org (its JWT's {@code org}): that
 * org's policy, users, API keys, rollback, fallback trips, audit rows and shadow data. Anything else is
 * {@code 403 out_of_scope}, before the endpoint reads or changes anything. An org admin is told nothing about other
 * orgs: a user of another org and a user that does not exist are refused alike.
 */
@Component("adminScope")
public class AdminScope {

    private final JdbcTemplate jdbc;

    public AdminScope(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The org the caller is limited to, or null for a platform admin. */
    public static String limitedTo(Exchange exchange) {
        Caller caller = exchange.getProperty(ExchangeKeys.CALLER, Caller.class);
        if (caller == null || !caller.isAdmin()) {
            throw new GatewayException(403, "forbidden", "this endpoint requires the 'admin' or 'org_admin' role");
        }
        return caller.isPlatformAdmin() ? null : caller.orgId();
    }

    /** 403 unless the caller is a platform admin (endpoints that act on every org or on the gateway itself). */
    public void requirePlatform(Exchange exchange) {
        if (limitedTo(exchange) != null) {
            throw outOfScope("this endpoint acts on every org: it requires the platform 'admin' role");
        }
    }

    /** 403 unless the caller may act on {@code orgId}. */
    public void requireOrg(Exchange exchange, String orgId) {
        String own = limitedTo(exchange);
        if (own != null && !own.equals(orgId)) {
            throw outOfScope("an org admin of '" + own + "' may only act on its own org");
        }
    }

    /** 403 unless the caller may act on user {@code userId} (a platform admin: any id, known or not). */
    public void requireUser(Exchange exchange, String userId) {
        String own = limitedTo(exchange);
        if (own == null) {
            return;
        }
        List<String> orgs = userId == null ? List.of()
                : jdbc.queryForList("SELECT org_id FROM users WHERE id = ?", String.class, userId);
        if (!orgs.contains(own)) {
            throw outOfScope("an org admin of '" + own + "' may only act on its own org's users");
        }
    }

    /**
     * The org a listing is limited to: the one asked for ({@code requested}, null = every org) for a platform admin;
     * for an org admin its own, and 403 if it asked for another.
     */
    public String orgFilter(Exchange exchange, String requested) {
        String own = limitedTo(exchange);
        if (own == null) {
            return requested;
        }
        if (requested != null && !requested.equals(own)) {
            throw outOfScope("an org admin of '" + own + "' may only list its own org");
        }
        return own;
    }

    private static GatewayException outOfScope(String message) {
        return new GatewayException(403, "out_of_scope", message);
    }
}

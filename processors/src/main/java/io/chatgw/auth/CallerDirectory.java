package io.chatgw.auth;

import io.chatgw.events.Audit;
import io.chatgw.events.EventRecorder;
import java.util.Map;
import io.chatgw.core.GatewayException;
import io.chatgw.core.LastKnown;
import io.chatgw.core.LastKnownReads;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Users and orgs as the database knows them. A verified token for a user or org the database has not
 * seen yet provisions them (with no explicit mode), as gateways behind an identity provider do. While PostgreSQL is
 * unreachable a user it knew is served from the last org it gave ({@link LastKnown}); a new user cannot be provisioned.
 */
@Component
public class CallerDirectory {

    private static final Logger log = LoggerFactory.getLogger(CallerDirectory.class);
    /** Same rule as the CHECK constraints in sql/V1__core_schema.sql. */
    public static final Pattern ID = Pattern.compile("^[A-Za-z0-9._:@-]{1,128}$");

    private final JdbcTemplate jdbc;
    private final EventRecorder events;
    private final LastKnown<String, String> userOrgs;

    public CallerDirectory(JdbcTemplate jdbc, EventRecorder events, LastKnownReads lastKnown) {
        this.jdbc = jdbc;
        this.events = events;
        this.userOrgs = lastKnown.cache("caller");
    }

    public Caller resolve(String userId, String tokenOrg, Set<String> roles) {
        if (userId == null || !ID.matcher(userId).matches()) {
            throw GatewayException.unauthorized("token subject is not a valid user id");
        }
        if (tokenOrg != null && !ID.matcher(tokenOrg).matches()) {
            throw GatewayException.unauthorized("token org is not a valid org id");
        }
        Optional<Caller> known = find(userId, roles);
        if (known.isEmpty()) {
            if (tokenOrg == null) {
                throw GatewayException.unauthorized("token has no org claim and the user is not known yet");
            }
            provision(userId, tokenOrg);
            known = find(userId, roles);
        }
        Caller caller = known.orElseThrow(() -> new IllegalStateException("user " + userId + " vanished"));
        return known(userId, caller.orgId(), tokenOrg, roles);
    }

    /**
     * A user the database knows, in {@code userOrg}, as a caller whose credential names {@code tokenOrg}
     * (null: none): 403 {@code org_mismatch} when the two differ.
     */
    public static Caller known(String userId, String userOrg, String tokenOrg, Set<String> roles) {
        if (tokenOrg != null && !tokenOrg.equals(userOrg)) {
            throw new GatewayException(403, "org_mismatch", "the token's org does not match the user's org");
        }
        return new Caller(userId, userOrg, roles);
    }

    /** The org the database has for {@code userId} (empty: not a known user). */
    public Optional<String> orgOf(String userId) {
        return find(userId, Set.of()).map(Caller::orgId);
    }

    private Optional<Caller> find(String userId, Set<String> roles) {
        return userOrgs.read(userId, () -> jdbc.query("SELECT org_id FROM users WHERE id = ?",
                        (rs, i) -> rs.getString("org_id"), userId).stream().findFirst())
                .map(org -> new Caller(userId, org, roles));
    }

    private void provision(String userId, String orgId) {
        int orgs = jdbc.update("INSERT INTO organizations (id) VALUES (?) ON CONFLICT (id) DO NOTHING", orgId);
        int users = jdbc.update("INSERT INTO users (id, org_id) VALUES (?, ?) ON CONFLICT (id) DO NOTHING", userId, orgId);
        if (users > 0) {
            events.record(Audit.of("system", orgId, "user.provisioned", userId, Map.of("org_created", orgs > 0)));
            log.info("provisioned user {} in org {} on first use (org created: {})", userId, orgId, orgs > 0);
        }
    }
}

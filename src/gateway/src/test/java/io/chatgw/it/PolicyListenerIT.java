package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatgw.routing.PolicyChangeListener;
import io.chatgw.support.GatewayTestBase;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Policy changes reach the cache also when they come as plain SQL, and after the listener lost its connection. */
class PolicyListenerIT extends GatewayTestBase {

    @Autowired
    PolicyChangeListener listener;

    private String user(String mode) {
        String org = "org-listen-" + System.nanoTime();
        jdbc.update("INSERT INTO organizations (id) VALUES (?)", org);
        jdbc.update("INSERT INTO users (id, org_id, execution_mode) VALUES (?, ?, ?)", org + "-u", org, mode);
        return org + "-u";
    }

    @Test
    void aPlainSqlChangeReachesTheCacheThroughTheTriggersNotify() {
        String user = user("legacy");
        String org = user.substring(0, user.length() - 2);
        awaitPoliciesCurrent();
        assertThat(policies.decide(user, org, null).mode().wire()).isEqualTo("legacy"); // now cached

        jdbc.update("UPDATE organizations SET execution_mode = 'direct_llm' WHERE id = ?", org);

        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(5))
                .until(() -> policies.decide(user, org, null).reason().equals("org_override"));
    }

    @Test
    void aChangeMadeWhileTheListenerWasDisconnectedIsPickedUpWhenItReconnects() {
        String user = user("legacy");
        String org = user.substring(0, user.length() - 2);
        awaitPoliciesCurrent();
        assertThat(policies.decide(user, org, null).reason()).isEqualTo("user_mode");

        int pid = listener.backendPid();
        assertThat(jdbc.queryForObject("SELECT query FROM pg_stat_activity WHERE pid = ?", String.class, pid))
                .as("the listener's connection").endsWith("/* policy-change-listener */");
        assertThat(jdbc.queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, pid)).isTrue();
        jdbc.update("UPDATE users SET execution_mode = 'direct_llm' WHERE id = ?", user); // its NOTIFY may reach nobody

        // reconnect-delay 2s, then the version is re-read
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> policies.decide(user, org, null).mode().wire().equals("direct_llm"));
        // and it listens again: the next change arrives within the second
        jdbc.update("UPDATE users SET execution_mode = 'new' WHERE id = ?", user);
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(5))
                .until(() -> policies.decide(user, org, null).mode().wire().equals("new"));
    }
}

package io.chatgw.plane;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.support.RawHttp;
import io.chatgw.support.TestPlane;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The /ws/vm port's deadline for a whole upgrade request (gateway.plane.upgrade-header-timeout; 3 s in the test
 * profile) against a raw socket that trickles the upgrade's headers, as slowloris does, and a plane that connects
 * normally and stays connected well past the deadline.
 */
class PlaneUpgradeDeadlineIT extends PlaneProtocolSupport {

    private static long sinceMillis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void anUpgradeWhoseHeadersTrickleInIsAnswered408AndClosedAtTheDeadline() throws Exception {
        NewUser u = newModeUser();
        long deadline = planeConfig.upgradeHeaderTimeout().toMillis();
        String upgrade = "GET " + planeConfig.path() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Authorization: Bearer " + u.vmToken() + "\r\n\r\n";
        try (RawHttp http = RawHttp.connect(planeConfig.port())) {
            long start = System.nanoTime();
            int sent = 0;
            // one byte every 300 ms: every read resets an idle timeout, so only a deadline on the whole request stops it
            while (sent < upgrade.length() && sinceMillis(start) < deadline + 5000) {
                try {
                    http.send(upgrade.substring(sent, sent + 1));
                } catch (IOException closed) {
                    break;
                }
                sent++;
                Thread.sleep(300);
            }
            assertThat(sent).as("the headers were still incomplete when the server gave up").isLessThan(upgrade.length());
            RawHttp.Response response = http.read();
            long closedAfter = sinceMillis(start);
            assertThat(response.status()).isEqualTo(408);
            assertThat(JSON.readTree(response.body()).at("/error/code").asText()).isEqualTo("upgrade_timeout");
            assertThat(http.closedByServer()).isTrue();
            assertThat(closedAfter).isBetween(deadline - 200, deadline + 2000);
        }
    }

    @Test
    void aPlaneThatUpgradesPromptlyIsAdmittedAndNotClosedByTheDeadlineLater() throws Exception {
        NewUser u = newModeUser();
        try (TestPlane plane = connectAndGreet(u)) {
            Thread.sleep(planeConfig.upgradeHeaderTimeout().toMillis() + 1500);
            assertThat(plane.isOpen()).isTrue(); // it answered heartbeats meanwhile; nothing closed it
        }
    }
}

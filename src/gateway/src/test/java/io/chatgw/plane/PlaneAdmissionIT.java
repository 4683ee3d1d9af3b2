package io.chatgw.plane;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.support.TestPlane;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Admission of a /ws/vm connection: the VM token, vm_id ownership, and a newer connection replacing an older one.
 * Against a plane written from docs/protocol.md alone ({@link TestPlane}); set-up in {@link PlaneProtocolSupport}.
 */
class PlaneAdmissionIT extends PlaneProtocolSupport {

    @Test
    void connectionsWithoutAValidVmTokenAreClosedWith1008() throws Exception {
        NewUser u = newModeUser();
        assertThat(TestPlane.connect(planeConfig.publicUrlOrDefault(), null, false).awaitClose(5)).isEqualTo(1008);
        assertThat(TestPlane.connect(planeConfig.publicUrlOrDefault(), "garbage", false).awaitClose(5)).isEqualTo(1008);
        String expired = jwt.issue(u.id(), "org-acme", List.of("vm"), Duration.ofMinutes(-5), Map.of("vm_id", u.vmId()));
        TestPlane plane = TestPlane.connect(planeConfig.publicUrlOrDefault(), expired, true);
        assertThat(plane.awaitClose(5)).isEqualTo(1008);
        assertThat(plane.closeReason()).contains("expired");
        String userToken = tokenFor(u.id(), "org-acme"); // a user token is not a VM token
        assertThat(TestPlane.connect(planeConfig.publicUrlOrDefault(), userToken, false).awaitClose(5)).isEqualTo(1008);
    }

    @Test
    void aTokenClaimingAnotherUsersVmIsRejected() throws Exception {
        NewUser owner = newModeUser();
        try (TestPlane ignored = connectAndGreet(owner)) {
            NewUser intruder = newModeUser();
            String stolen = vmTokens.issue(intruder.id(), "org-acme", owner.vmId());
            TestPlane plane = TestPlane.connect(planeConfig.publicUrlOrDefault(), stolen, false);
            assertThat(plane.awaitClose(5)).isEqualTo(1008);
            assertThat(plane.closeReason()).contains("another user");
        }
    }

    @Test
    void aTokenForAVmIdThatIsNotTheUsersIsRejectedEvenWhenNoPlaneHoldsIt() throws Exception {
        NewUser owner = newModeUser(); // not connected: only the vm_id convention and user_vm_instances tell
        NewUser intruder = newModeUser();
        TestPlane plane = TestPlane.connect(planeConfig.publicUrlOrDefault(), vmTokens.issue(intruder.id(), "org-acme", owner.vmId()), false);
        assertThat(plane.awaitClose(5)).isEqualTo(1008);
        assertThat(plane.closeReason()).contains("another user");

        // a vm_id the gateway recorded for another user (e.g. a launcher's own naming)
        String recorded = "vm-recorded-" + System.nanoTime();
        jdbc.update("INSERT INTO user_vm_instances (user_id, org_id, mode, status, vm_id) VALUES (?, 'org-acme', 'docker', 'starting', ?)",
                owner.id(), recorded);
        TestPlane other = TestPlane.connect(planeConfig.publicUrlOrDefault(), vmTokens.issue(intruder.id(), "org-acme", recorded), true);
        assertThat(other.awaitClose(5)).isEqualTo(1008);
        try (TestPlane own = TestPlane.connect(planeConfig.publicUrlOrDefault(), vmTokens.issue(owner.id(), "org-acme", recorded), false)) {
            assertThat(own.hello(recorded, 0, Map.of()).get("vm_id").asText()).isEqualTo(recorded);
        }
    }

    @Test
    void aVmTokenClaimingAnotherOrgThanItsUsersIsRejected() throws Exception {
        NewUser u = newModeUser(); // of org-acme
        TestPlane plane = TestPlane.connect(planeConfig.publicUrlOrDefault(), vmTokens.issue(u.id(), "org-other", u.vmId()), false);
        assertThat(plane.awaitClose(5)).isEqualTo(1008);
        assertThat(plane.closeReason()).contains("org does not match");
        String unknown = "u-unknown-" + System.nanoTime();
        TestPlane stranger = TestPlane.connect(planeConfig.publicUrlOrDefault(),
                vmTokens.issue(unknown, "org-acme", "vm-" + unknown), false);
        assertThat(stranger.awaitClose(5)).isEqualTo(1008);
        assertThat(stranger.closeReason()).contains("does not know");
    }

    @Test
    void anAdmittedPlaneThatNeverSaysHelloIsClosedAfterTheHelloTimeout() throws Exception {
        NewUser u = newModeUser();
        long start = System.nanoTime();
        TestPlane plane = TestPlane.connect(planeConfig.publicUrlOrDefault(), u.vmToken(), false);
        int timeout = (int) planeConfig.helloTimeout().toSeconds();
        assertThat(plane.awaitClose(timeout + 10)).isEqualTo(1008);
        assertThat(plane.closeReason()).contains("no hello");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(planeConfig.helloTimeout().minusMillis(200));
    }

    @Test
    void aSecondConnectionForTheSameVmReplacesTheFirst() throws Exception {
        NewUser u = newModeUser();
        TestPlane first = connectAndGreet(u);
        try (TestPlane second = connectAndGreet(u)) {
            assertThat(first.awaitClose(5)).isEqualTo(4000);
            assertThat(second.isOpen()).isTrue();
        }
    }
}

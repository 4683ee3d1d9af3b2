package io.chatgw.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.core.ExecutionMode;
import io.chatgw.support.GatewayTestBase;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** shadow_skips takes every reason admission skips a sample for (its CHECK constraint follows the code's list). */
class ShadowSkipsIT extends GatewayTestBase {

    @Autowired
    ShadowSkips skips;

    @Test
    void everySkipReasonIsWrittenToShadowSkips() {
        String org = "org-skips-" + UUID.randomUUID();
        jdbc.update("INSERT INTO organizations (id) VALUES (?)", org);
        ShadowPlan plan = ShadowPlan.of(ShadowPlan.SHADOW, ExecutionMode.DIRECT_LLM, ExecutionMode.LEGACY, org, UUID.randomUUID());
        ShadowAdmission.SKIP_REASONS.forEach(reason -> skips.count(plan, org, reason));

        skips.flush(); // the shadow-skips-flush timer may have taken some of them first: wait for its write too

        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(jdbc.queryForList(
                "SELECT reason FROM shadow_skips WHERE org_id = ? AND skipped = 1", String.class, org))
                .containsExactlyInAnyOrderElementsOf(ShadowAdmission.SKIP_REASONS).contains("cpu_busy"));
    }
}

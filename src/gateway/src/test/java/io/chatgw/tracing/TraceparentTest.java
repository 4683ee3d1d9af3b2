package io.chatgw.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceparentTest {

    @Test
    void aW3cTraceparentIsReadAndAnythingElseIsIgnored() {
        var c = TurnTraces.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(c).isNotNull();
        assertThat(c.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(c.getSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(c.isSampled()).isTrue();
        assertThat(c.isRemote()).isTrue();
        for (String bad : new String[] {null, "", "00-zz-not-a-trace",
                "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",      // unknown version
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",      // upper case
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01",      // all-zero trace id
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",      // all-zero span id
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"}) {
            assertThat(TurnTraces.parse(bad)).as(bad).isNull();
            assertThat(TurnTraces.validTraceparent(bad)).as(bad).isNull();
        }
    }
}

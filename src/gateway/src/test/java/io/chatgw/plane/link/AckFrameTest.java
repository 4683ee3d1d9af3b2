package io.chatgw.plane.link;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AckFrameTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theAckFrameIsTheJsonJacksonWritesOfTheSameFieldsForAnySessionId() throws Exception {
        String[] ids = {"3f1c2a9e-7b44-4c1e-9d2a-0c5f1e2d3b4a", "", "quote\" back\\slash", "line\nbreak\ttab\u0001",
                "ünïcödé ✓ \uD83D\uDE00", "</script>"};
        for (String id : ids) {
            for (long seq : new long[] {1, 42, Long.MAX_VALUE}) {
                Map<String, Object> frame = new LinkedHashMap<>();
                frame.put("type", "ack");
                frame.put("session_id", id);
                frame.put("seq", seq);
                String ack = PlaneSender.ackFrame(id, seq);
                assertThat(ack).isEqualTo(json.writeValueAsString(frame));
                assertThat(json.readTree(ack).get("session_id").asText()).isEqualTo(id);
            }
        }
    }
}

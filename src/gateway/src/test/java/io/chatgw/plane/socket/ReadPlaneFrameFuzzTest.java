package io.chatgw.plane.socket;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.plane.PlaneProperties;
import io.chatgw.plane.link.PlaneSender;
import io.chatgw.plane.methods.PlaneReports;
import io.chatgw.turn.ReportedValues;
import io.chatgw.turn.Usage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Fuzz target for the plane frame reader ({@link ReadPlaneFrame#parse}, every /ws/vm message) and the checks on the
 * values a frame reports ({@link ReportedValues} for done/error events, {@link PlaneReports} for fire_and_forget).
 * Any message is a frame (an object with a non-blank type, no NUL) or refused with a documented error code; whatever
 * is reported comes out within its record's bounds. {@code mvn verify} replays ReadPlaneFrameFuzzTestInputs/;
 * {@code bench/fuzz} mutates it.
 */
class ReadPlaneFrameFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A small limit, so the oversize branch is within a fuzzer's reach. */
    private static final int MAX_FRAME_BYTES = 4096;
    private static final ReadPlaneFrame READER = new ReadPlaneFrame(JSON, new Binder(new MapConfigurationPropertySource(
            Map.of("gateway.plane.max-frame-bytes", String.valueOf(MAX_FRAME_BYTES))))
            .bindOrCreate("gateway.plane", Bindable.of(PlaneProperties.class)),
            new PlaneSender(JSON, new SimpleMeterRegistry()));
    private static final Set<String> READER_CODES = Set.of("frame_too_large", "invalid_frame", "malformed_json", "missing_type");

    @FuzzTest
    void anyPlaneMessageIsAFrameOrRefusedWithADocumentedCodeAndItsValuesStayInBounds(byte[] message) {
        String text = new String(message, StandardCharsets.UTF_8); // as the socket hands it over: decoded text
        ReadPlaneFrame.Parsed parsed = READER.parse(text);
        if (parsed.refused() != null) {
            assertThat(parsed.refused().code()).isIn(READER_CODES);
            assertThat(parsed.refused().getMessage()).isNotBlank();
            assertThat(parsed.type()).isNull();
            return;
        }
        assertThat(parsed.type()).isNotBlank().isEqualTo(parsed.frame().get("type").asText());
        assertThat(text.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(MAX_FRAME_BYTES);
        assertThat(hasNul(parsed.frame())).isFalse();

        JsonNode data = parsed.frame().path("data");
        ReportedValues.Checked<Usage> usage = ReportedValues.usage(data.get("usage"), "prompt_tokens", "completion_tokens");
        assertThat(usage.value().promptTokens()).isNotNegative();
        assertThat(usage.value().completionTokens()).isNotNegative();
        assertThat(usage.value().totalTokens()).isNotNegative();
        String model = data.path("model").isTextual() ? data.get("model").asText() : null;
        ReportedValues.Checked<String> checkedModel = ReportedValues.model(model);
        if (checkedModel.value() != null) {
            assertThat(checkedModel.value()).hasSizeLessThanOrEqualTo(ReportedValues.MODEL_MAX).doesNotContainPattern("\\p{Cntrl}");
        }
        String code = data.path("code").isTextual() ? data.get("code").asText() : null;
        assertThat(ReportedValues.errorCode(code, "plane_error").value()).matches("[A-Za-z0-9_.:-]{1,64}");
        if (data.isObject()) {
            for (String kind : new String[] {"usage", "audit"}) {
                String problem = PlaneReports.problem(kind, data, 16384); // never throws: a reason or null
                assertThat(problem == null || !problem.isBlank()).isTrue();
            }
        }
    }

    private static boolean hasNul(JsonNode node) {
        if (node.isTextual()) {
            return node.asText().indexOf('\0') >= 0;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().indexOf('\0') >= 0 || hasNul(field.getValue())) {
                return true;
            }
        }
        for (JsonNode element : node.isArray() ? node : JSON.createArrayNode()) {
            if (hasNul(element)) {
                return true;
            }
        }
        return false;
    }
}

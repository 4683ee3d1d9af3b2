package io.chatgw.plane;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.support.TestPlane;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Only known values become metric tag values: 2,000 frames with invented types (from 100 planes, each under the
 * bad-frame limit) and requests with invented HTTP methods add no series to /actuator/prometheus; they count as
 * {@code other}.
 */
class PlaneMetricTagsIT extends PlaneProtocolSupport {

    private String scrape() throws Exception {
        HttpResponse<String> r = client.send("GET", "/actuator/prometheus", null, null, null);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    @Test
    void inventedFrameTypesAndHttpMethodsDoNotGrowThePrometheusScrape() throws Exception {
        // every series that can exist already exists once (the first invented type and method make the "other" ones)
        try (TestPlane plane = connectAndGreet(newModeUser())) {
            plane.send(Map.of("type", "invented-warmup"));
            plane.next("error", 5);
        }
        HttpClient http = HttpClient.newHttpClient();
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/sessions"))
                .method("WARMUP", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        String before = scrape();

        int planes = 100;
        int typesEach = planeConfig.maxBadFrames(); // a bad frame each: the most a plane may send within the window
        for (int p = 0; p < planes; p++) {
            try (TestPlane plane = connectAndGreet(newModeUser())) {
                for (int t = 0; t < typesEach; t++) {
                    plane.send(Map.of("type", "invented-" + p + "-" + t));
                }
                for (int t = 0; t < typesEach; t++) {
                    assertThat(plane.next("error", 10).get("code").asText()).isEqualTo("unknown_type");
                }
            }
        }
        for (int m = 0; m < 50; m++) {
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/sessions"))
                    .method("INVENTED" + m, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        }
        String after = scrape();

        assertThat(after).doesNotContain("invented-").doesNotContain("INVENTED");
        assertThat(after).contains("gateway_plane_frames_total{direction=\"in\",type=\"other\"}");
        long frameSeries = Arrays.stream(after.split("\n")).filter(l -> l.startsWith("gateway_plane_frames_total{")).count();
        assertThat(frameSeries).as("one series per protocol frame type and direction at most").isLessThanOrEqualTo(2 * 14 + 2);
        // 2,000 series would add hundreds of KB; what remains is the counters' values growing
        assertThat(after.length() - before.length()).as("scrape growth in characters").isLessThan(20_000);
    }
}

package io.chatgw.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * config/grafana/*.json are importable dashboards: a uid and title each, a Prometheus data source variable that every
 * panel and target uses, unique panel ids, a PromQL expression per target; the expressions' metrics are checked
 * against a real Prometheus by PrometheusScrapeIT.
 */
class DashboardFilesTest {

    @Test
    void theSixDashboardsOfTheIssueExist() {
        assertThat(ObservabilityFiles.dashboards()).extracting(p -> p.getFileName().toString())
                .contains("migration-overview.json", "resilience.json", "execution-planes.json",
                        "relay-and-clients.json", "usage-and-events.json", "shadow.json");
    }

    @Test
    void everyDashboardHasAPrometheusDataSourceVariableThatEveryPanelUses() {
        Set<String> uids = new HashSet<>();
        for (Path file : ObservabilityFiles.dashboards()) {
            JsonNode d = ObservabilityFiles.read(file);
            assertThat(d.path("uid").asText()).as(file + " uid").isNotBlank();
            assertThat(uids.add(d.get("uid").asText())).as(file + " uid unique").isTrue();
            assertThat(d.path("title").asText()).as(file + " title").isNotBlank();
            JsonNode variable = d.at("/templating/list/0");
            assertThat(variable.path("type").asText()).as(file + " first variable").isEqualTo("datasource");
            assertThat(variable.path("query").asText()).isEqualTo("prometheus");
            String ref = "${" + variable.get("name").asText() + "}";
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : d.get("panels")) {
                String title = file.getFileName() + ": " + panel.path("title").asText();
                assertThat(ids.add(panel.get("id").asInt())).as(title + " id unique").isTrue();
                assertThat(panel.has("gridPos")).as(title).isTrue();
                if ("row".equals(panel.get("type").asText())) {
                    continue;
                }
                assertThat(panel.at("/datasource/uid").asText()).as(title).isEqualTo(ref);
                assertThat(panel.get("targets")).as(title + " targets").isNotEmpty();
                for (JsonNode target : panel.get("targets")) {
                    assertThat(target.at("/datasource/uid").asText()).as(title).isEqualTo(ref);
                    assertThat(target.path("expr").asText()).as(title + " expr").isNotBlank();
                }
            }
        }
    }

    /**
     * What issue 14 asks each dashboard to show, as the metric that shows it (container status and the warm pool come
     * with the containers' metrics, issue 10).
     */
    static final java.util.Map<String, List<String>> ASKED = java.util.Map.of(
            "migration-overview.json", List.of("gateway_requests_total", "gateway_route_decisions_total", // traffic per path, reason
                    "gateway_turn_errors_total", "gateway_time_to_first_event_seconds_bucket", "gateway_turn_duration_seconds_bucket",
                    "gateway_canary_percent", "gateway_rollbacks_in_force", "gateway_auto_fallback_active"),
            "resilience.json", List.of("resilience4j_circuitbreaker_state", "gateway_fallbacks_total",
                    "gateway_midstream_failures_total", "gateway_auto_fallback_active"),
            "execution-planes.json", List.of("gateway_plane_connected", "gateway_plane_reconnects_total",
                    "gateway_plane_crashes_total", "gateway_plane_recoveries_total", "gateway_plane_recovery_time_seconds_bucket",
                    "gateway_plane_start_latency_seconds_bucket", "gateway_plane_containers", "gateway_plane_warm_pool_size",
                    "gateway_plane_warm_pool_claims_total"),
            "relay-and-clients.json", List.of("gateway_sse_streams_open", "gateway_sse_slow_clients_dropped_total",
                    "gateway_sse_resyncs_total", "gateway_plane_relay_latency_seconds_bucket"),
            "usage-and-events.json", List.of("gen_ai_client_token_usage_tokens_sum", "gateway_events_accepted_total",
                    "gateway_events_published_total", "gateway_events_outbox_depth", "gateway_events_spool_events",
                    "gateway_events_publish_lag_seconds_bucket"),
            "shadow.json", List.of("gateway_shadow_runs_total", "gateway_shadow_comparisons_total",
                    "gateway_shadow_latency_delta_seconds_bucket"));

    @Test
    void eachDashboardPlotsWhatTheIssueAsksOfIt() {
        for (Path file : ObservabilityFiles.dashboards()) {
            Set<String> plotted = new HashSet<>();
            for (JsonNode panel : ObservabilityFiles.read(file).get("panels")) {
                panel.path("targets").forEach(t -> plotted.addAll(ObservabilityFiles.metricNames(t.get("expr").asText())));
            }
            assertThat(plotted).as(file.getFileName() + " plots").containsAll(
                    ASKED.getOrDefault(file.getFileName().toString(), List.of()));
        }
        assertThat(ObservabilityFiles.dashboards()).extracting(p -> p.getFileName().toString()).containsAll(ASKED.keySet());
    }

    @Test
    void metricNamesAreReadFromExpressionsWithoutLabelsOrFunctions() {
        assertThat(ObservabilityFiles.metricNames(
                "sum by (path, le) (rate(gateway_time_to_first_event_seconds_bucket{path=~\"new|legacy\"}[5m])) "
                        + "/ on (path) group_left sum by (path) (gateway_requests_total) > 0.05 and max(up)"))
                .isEqualTo(Set.of("gateway_time_to_first_event_seconds_bucket", "gateway_requests_total", "up"));
        assertThat(ObservabilityFiles.metricNames("histogram_quantile(0.99, sum by (le) (rate(x_bucket[$__rate_interval])))"))
                .isEqualTo(Set.of("x_bucket"));
        assertThat(ObservabilityFiles.metricNames("x_total unless x_total offset 10m > 1.5"))
                .isEqualTo(Set.of("x_total"));
        assertThat(List.of(ObservabilityFiles.forPrometheus("rate(x[$__rate_interval])"))).containsExactly("rate(x[1m])");
    }
}

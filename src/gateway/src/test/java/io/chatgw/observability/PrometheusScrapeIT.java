package io.chatgw.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.chatgw.plane.PlaneProperties;
import io.chatgw.plane.link.PlaneRegistry;
import io.chatgw.plane.socket.VmTokens;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.PrometheusBinaries;
import io.chatgw.support.SseClient.Event;
import io.chatgw.support.TestPlane;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * A real Prometheus (the binary on the PATH) scrapes this gateway on loopback, with config/prometheus/alerts.yaml
 * loaded, while traffic goes through every path, a fallback, a plane that crashes mid-stream (replaced, the turn
 * resumes), one gone for good mid-stream, a rejected plane frame, shadow traffic and an automatic fallback trip. Then, through Prometheus's HTTP API: every metric a dashboard or alert names has
 * data, every dashboard and alert expression evaluates without error, and every rule evaluates healthy.
 * Same properties as AutoFallbackIT (its Spring context is reused): an org trips after 4 failed legacy runs.
 */
@TestPropertySource(properties = {"gateway.monitor.min-calls=4", "gateway.monitor.global-min-calls=1000000"})
class PrometheusScrapeIT extends GatewayTestBase {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Autowired
    PlaneProperties planeConfig;
    @Autowired
    VmTokens vmTokens;
    @Autowired
    PlaneRegistry planes;

    private Process prometheus;
    private Path home;

    @AfterEach
    void stopPrometheus() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
        if (home != null) {
            org.springframework.util.FileSystemUtils.deleteRecursively(home);
        }
    }

    @Test
    void everyMetricTheDashboardsAndAlertsNameHasDataAndEveryExpressionEvaluates() throws Exception {
        String prom = startPrometheus();
        driveTraffic();

        Set<String> names = new TreeSet<>();
        List<ObservabilityFiles.Expression> expressions = ObservabilityFiles.expressions();
        expressions.forEach(e -> names.addAll(ObservabilityFiles.metricNames(e.promql())));
        assertThat(names).as("metrics named by the dashboards and alerts").hasSizeGreaterThan(30);

        // scrapes every 5 s (a scrape of a busy test machine can take more than a second); rate() needs two samples
        await("every referenced metric scraped with data").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(missing(prom, names))
                        .as("metrics without data in Prometheus (scrape target: %s)", get(prom, "/api/v1/targets").at("/data/activeTargets/0"))
                        .isEmpty());
        Thread.sleep(10_000);

        List<String> failures = new ArrayList<>();
        for (ObservabilityFiles.Expression e : expressions) {
            JsonNode r = query(prom, ObservabilityFiles.forPrometheus(e.promql()));
            if (!"success".equals(r.path("status").asText())) {
                failures.add(e.source() + ": " + r.path("error").asText() + "\n    " + e.promql());
            }
        }
        assertThat(failures).as("expressions Prometheus could not evaluate").isEmpty();

        await("every alert rule evaluated").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode groups = get(prom, "/api/v1/rules").at("/data/groups");
            List<String> unhealthy = new ArrayList<>();
            int rules = 0;
            for (JsonNode group : groups) {
                for (JsonNode rule : group.get("rules")) {
                    rules++;
                    if (!"ok".equals(rule.path("health").asText())) {
                        unhealthy.add(rule.path("name").asText() + ": " + rule.path("health").asText() + " " + rule.path("lastError").asText());
                    }
                }
            }
            assertThat(rules).isEqualTo(AlertRulesTest.rules().size());
            assertThat(unhealthy).as("alert rules Prometheus evaluated with an error (or not yet)").isEmpty();
        });
        assertThat(unshown(names)).as("metrics the gateway exports that no dashboard panel or alert shows").isEmpty();

        // the traffic tripped an automatic fallback: its alert is pending or firing in the real Prometheus
        await("GatewayAutoFallbackTriggered active").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> get(prom, "/api/v1/alerts").at("/data/alerts").findValuesAsText("alertname")
                        .contains("GatewayAutoFallbackTriggered"));
    }

    private void driveTraffic() throws Exception {
        // first, while the legacy breaker is closed (4 failures open it in the test profile): 4 failed legacy runs
        // of a fresh org trip the runtime monitor for it
        String org = "org-prom-" + UUID.randomUUID().toString().substring(0, 8);
        String tripToken = tokenFor("u-prom-" + UUID.randomUUID().toString().substring(0, 8), org);
        String tripSession = newSession(tripToken);
        for (int i = 0; i < 4; i++) {
            chat(tripToken, tripSession, "[[runtime fail=http_503]] hi");
        }
        await("org " + org + " tripped").atMost(Duration.ofSeconds(10)).until(() -> "auto_fallback".equals(
                chat(tripToken, tripSession, "hi").get(0).json().path("reason").asText()));

        for (String user : List.of("u-alice", "u-carol", "u-bob")) {           // legacy, direct_llm, new
            String token = tokenFor(user, "org-acme");
            assertThat(last(chat(token, newSession(token), "hello, please use a tool")).type()).isEqualTo("done");
        }
        String alice = tokenFor("u-alice", "org-acme");                        // legacy fails before its first event
        List<Event> fellBack = chat(alice, newSession(alice), "[[runtime fail=http_503]] hi");
        assertThat(fellBack).extracting(Event::type).contains("fallback");

        String crashing = newPlaneUser();                                    // a plane crashes mid-stream: replaced,
        String crashToken = tokenFor(crashing, "org-acme");                   // the turn resumes
        assertThat(last(chat(crashToken, newSession(crashToken),
                "[[standin chunks=20 delay_ms=20]] [[plane exit_after=4]] tell me a long story")).type()).isEqualTo("done");

        String gone = newPlaneUser();                                         // a plane gone for good after its
        String goneToken = tokenFor(gone, "org-acme");                        // first events: a mid-stream failure
        var stream = sendMessage(goneToken, newSession(goneToken), "[[standin chunks=100 delay_ms=50]] hi");
        while (!stream.next().type().equals("text")) {
            // up to the first text event
        }
        planes.declareDead(planes.liveLink(gone), "test: gone for good");
        assertThat(last(stream.all()).type()).isEqualTo("error");
        stream.close();

        String shadowOrg = "org-prom-" + UUID.randomUUID().toString().substring(0, 8); // shadow traffic to direct_llm
        String admin = tokenFor("u-admin", "org-acme", "admin");
        HttpResponse<String> policy = client.send("PUT", "/api/v1/admin/orgs/" + shadowOrg + "/policy", admin, "application/json",
                "{\"shadow_percent\": 100, \"shadow_path\": \"direct_llm\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(policy.statusCode()).as(policy.body()).isEqualTo(200);
        awaitPoliciesCurrent();
        String shadowed = tokenFor("u-prom-" + UUID.randomUUID().toString().substring(0, 8), shadowOrg);
        assertThat(last(chat(shadowed, newSession(shadowed), "hello, please use a tool")).type()).isEqualTo("done");

        String planeUser = "u-prom-" + UUID.randomUUID().toString().substring(0, 8); // a plane frame rejected
        String planeToken = tokenFor(planeUser, "org-acme");
        newSession(planeToken);
        try (TestPlane plane = TestPlane.connect(planeConfig.publicUrlOrDefault(),
                vmTokens.issue(planeUser, "org-acme", VmTokens.vmIdOf(planeUser)), false)) {
            plane.sendText("{not json");
            assertThat(plane.next("error", 5)).isNotNull();
        }

    }

    private String startPrometheus() throws Exception {
        Path binary = PrometheusBinaries.find("prometheus");
        home = Files.createTempDirectory("chatgw-prometheus-");
        int promPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            promPort = s.getLocalPort();
        }
        Path config = home.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 5s
                  scrape_timeout: 5s
                  evaluation_interval: 5s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: gateway
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(AlertRulesTest.ALERTS.toAbsolutePath(), port));
        prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + home.resolve("data"), "--web.listen-address=127.0.0.1:" + promPort)
                .redirectErrorStream(true).redirectOutput(home.resolve("prometheus.log").toFile()).start();
        String base = "http://127.0.0.1:" + promPort;
        await("Prometheus ready (log: " + home.resolve("prometheus.log") + ")").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> prometheus.isAlive() && HTTP.send(HttpRequest.newBuilder(URI.create(base + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        await("the gateway scraped up").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> query(base, "up{job=\"gateway\"} == 1").at("/data/result").size() == 1);
        return base;
    }

    private String newPlaneUser() throws Exception {
        String id = "u-prom-" + UUID.randomUUID().toString().substring(0, 8);
        newSession(tokenFor(id, "org-acme")); // provisions the user
        jdbc.update("UPDATE users SET execution_mode = 'new' WHERE id = ?", id);
        return id;
    }

    /**
     * The gateway's own metric families (gateway_*, gen_ai_*) on its /actuator/prometheus that no dashboard or alert
     * expression names: a histogram counts as shown through its _bucket/_count/_sum series, its _max gauge with it.
     */
    private Set<String> unshown(Set<String> named) throws Exception {
        String scrape = client.send("GET", "/actuator/prometheus", null, null, null).body();
        Set<String> unshown = new TreeSet<>();
        java.util.regex.Matcher type = java.util.regex.Pattern.compile("(?m)^# TYPE (\\S+) \\S+$").matcher(scrape);
        while (type.find()) {
            String family = type.group(1);
            String base = family.endsWith("_max") ? family.substring(0, family.length() - 4) : family;
            if ((family.startsWith("gateway_") || family.startsWith("gen_ai_"))
                    && named.stream().noneMatch(n -> n.equals(family) || n.startsWith(base + "_"))) {
                unshown.add(family);
            }
        }
        return unshown;
    }

    private static Set<String> missing(String prom, Set<String> names) throws Exception {
        Set<String> missing = new TreeSet<>();
        for (String name : names) {
            if (query(prom, "count({__name__=\"" + name + "\"})").at("/data/result").isEmpty()) {
                missing.add(name);
            }
        }
        return missing;
    }

    private static JsonNode query(String prom, String promql) throws Exception {
        return get(prom, "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    private static JsonNode get(String prom, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(prom + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private static Event last(List<Event> events) {
        return events.get(events.size() - 1);
    }
}

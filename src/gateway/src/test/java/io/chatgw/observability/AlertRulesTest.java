package io.chatgw.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.support.PrometheusBinaries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * config/prometheus/alerts.yaml is valid (promtool check rules), its unit tests pass (promtool test rules
 * alerts.test.yaml), every alert is tested both firing and silent, and every alert has its runbook section.
 */
class AlertRulesTest {

    static final Path ALERTS = Path.of("config/prometheus/alerts.yaml");
    static final Path TESTS = Path.of("config/prometheus/alerts.test.yaml");

    @Test
    void theAlertRulesAreValidForPromtool() throws Exception {
        PrometheusBinaries.Result r = PrometheusBinaries.promtool("check", "rules", ALERTS.toString());
        assertThat(r.exitCode()).as("promtool check rules:\n%s", r.output()).isZero();
    }

    @Test
    void everyAlertsUnitTestsPass() throws Exception {
        PrometheusBinaries.Result r = PrometheusBinaries.promtool("test", "rules", TESTS.toString());
        assertThat(r.exitCode()).as("promtool test rules:\n%s", r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertIsTestedFiringAndSilent() throws Exception {
        Set<String> fired = new java.util.TreeSet<>();
        Set<String> silent = new java.util.TreeSet<>();
        for (Map<String, Object> test : list(yaml(TESTS).get("tests"))) {
            for (Map<String, Object> check : list(test.get("alert_rule_test"))) {
                String name = (String) check.get("alertname");
                (list(check.get("exp_alerts")).isEmpty() ? silent : fired).add(name);
            }
        }
        assertThat(fired).as("alerts with a test where they fire").containsExactlyInAnyOrderElementsOf(alertNames());
        assertThat(silent).as("alerts with a test where they stay silent").containsExactlyInAnyOrderElementsOf(alertNames());
    }

    @Test
    void everyAlertHasARunbookSectionAndLinksToIt() throws Exception {
        String runbook = Files.readString(Path.of("docs/runbook.md"));
        for (Map<String, Object> rule : rules()) {
            String name = (String) rule.get("alert");
            assertThat(runbook).as("docs/runbook.md section for %s", name).contains("\n## " + name + "\n");
            @SuppressWarnings("unchecked")
            Map<String, String> annotations = (Map<String, String>) rule.get("annotations");
            assertThat(annotations).as(name).containsEntry("runbook_url", "docs/runbook.md#" + name.toLowerCase())
                    .containsKeys("summary", "description", "threshold");
            assertThat(((Map<?, ?>) rule.get("labels")).get("severity")).as(name).isIn("warning", "critical");
        }
    }

    static List<Map<String, Object>> rules() throws Exception {
        return list(yaml(ALERTS).get("groups")).stream().flatMap(g -> list(g.get("rules")).stream()).toList();
    }

    static Set<String> alertNames() throws Exception {
        return rules().stream().map(r -> (String) r.get("alert")).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    static Map<String, Object> yaml(Path file) throws Exception {
        return new Yaml().load(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object o) {
        return o == null ? List.of() : (List<Map<String, Object>>) o;
    }
}

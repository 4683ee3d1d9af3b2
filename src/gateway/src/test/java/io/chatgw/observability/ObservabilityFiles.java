package io.chatgw.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The PromQL of config/grafana/*.json (every panel target) and config/prometheus/alerts.yaml (every rule), and the
 * metric names they reference: what PrometheusScrapeIT checks against a real Prometheus.
 */
final class ObservabilityFiles {

    static final Path DASHBOARDS = Path.of("config/grafana");
    static final ObjectMapper JSON = new ObjectMapper();

    /** A PromQL expression and where it comes from ("migration-overview.json: Turns per path"). */
    record Expression(String source, String promql) {
    }

    private ObservabilityFiles() {
    }

    static List<Path> dashboards() {
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode read(Path dashboard) {
        try {
            return JSON.readTree(dashboard.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Expression> expressions() throws Exception {
        List<Expression> all = new ArrayList<>();
        for (Path dashboard : dashboards()) {
            for (JsonNode panel : read(dashboard).get("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    all.add(new Expression(dashboard.getFileName() + ": " + panel.get("title").asText(),
                            target.get("expr").asText()));
                }
            }
        }
        for (Map<String, Object> rule : AlertRulesTest.rules()) {
            all.add(new Expression("alerts.yaml: " + rule.get("alert"), (String) rule.get("expr")));
        }
        return all;
    }

    /** Grafana's interval variables replaced by what a plain Prometheus query understands. */
    static String forPrometheus(String promql) {
        return promql.replace("$__rate_interval", "1m").replace("$__interval", "1m");
    }

    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Set<String> PROMQL_WORDS = Set.of("sum", "min", "max", "avg", "count", "rate", "irate",
            "increase", "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
            "histogram_quantile", "min_over_time", "max_over_time", "avg_over_time", "deriv", "delta", "abs", "le",
            "offset", "bool", "topk", "bottomk", "clamp_min", "clamp_max", "vector", "scalar", "time", "absent",
            "label_replace", "sort", "sort_desc", "quantile_over_time", "sum_over_time", "count_over_time");

    /**
     * The metric names an expression selects: identifiers outside quotes, label matchers and grouping lists that are
     * not PromQL words or durations.
     */
    static Set<String> metricNames(String promql) {
        String s = QUOTED.matcher(promql).replaceAll("\"\"");
        s = s.replaceAll("\\{[^}]*}", "{}");                       // label matchers
        s = s.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "$1");
        s = s.replaceAll("\\[[^]]*]", "[]");                        // range durations
        s = s.replaceAll("\\b\\d+(\\.\\d+)?(ms|[smhdwy])?\\b", "0"); // numbers, offset durations
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String word = m.group();
            if (!PROMQL_WORDS.contains(word) && !word.matches("\\d.*")) {
                names.add(word);
            }
        }
        return names;
    }
}

package io.chatgw.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.dsl.yaml.YamlRoutesBuilderLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file in routes/ is valid against the Camel YAML DSL JSON schema shipped inside camel-yaml-dsl (the one
 * editors use), so they open cleanly; and the schema does catch a misspelt step, so this test can fail.
 */
class RouteFilesSchemaTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static Schema schema;

    @BeforeAll
    static void loadTheSchemaFromTheCamelJar() throws IOException {
        try (InputStream in = YamlRoutesBuilderLoader.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            assertThat(in).as("schema/camelYamlDsl.json inside camel-yaml-dsl").isNotNull();
            JsonNode node = new ObjectMapper().readTree(in);
            assertThat(node.get("$schema").asText()).contains("draft-04");
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(node);
        }
    }

    static Stream<Path> routeFiles() throws IOException {
        return Files.list(Path.of("routes")).filter(p -> p.toString().endsWith(".yaml")).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routeFiles")
    void aRouteFileIsValidAgainstTheCamelYamlDslSchema(Path file) throws IOException {
        List<Error> errors = schema.validate(YAML.readTree(file.toFile()));
        assertThat(errors).as(file + ": " + errors).isEmpty();
    }

    @Test
    void thereAreRouteFilesToCheck() throws IOException {
        assertThat(routeFiles().map(p -> p.getFileName().toString()))
                .contains("admin.yaml", "chat.yaml", "route-configurations.yaml");
    }

    @Test
    void aMisspeltStepIsCaught() throws IOException {
        JsonNode broken = YAML.readTree("""
                - route:
                    id: broken
                    from:
                      uri: direct:broken
                      steps:
                        - proces: { ref: nothing }
                """);
        assertThat(schema.validate(broken)).isNotEmpty();
    }
}

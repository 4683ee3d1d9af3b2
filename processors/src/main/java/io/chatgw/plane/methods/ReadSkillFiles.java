package io.chatgw.plane.methods;

import io.chatgw.plane.PlaneProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * get_skill_files {skill, path?}: the files of one skill under {@code gateway.plane.skills-dir}/{skill}/
 * (or just {@code path} within it). Names that leave the skill's folder are rejected ({@code path_rejected}).
 */
@Component("readSkillFiles")
public class ReadSkillFiles implements Processor {

    private static final Pattern SKILL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final int MAX_FILES = 50;
    private static final long MAX_FILE_BYTES = 256 * 1024;

    private final Path root;

    public ReadSkillFiles(PlaneProperties config) {
        this.root = Path.of(config.skillsDir()).toAbsolutePath().normalize();
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        JsonNode params = exchange.getProperty(ReadPlaneRequest.PARAMS, JsonNode.class);
        String skill = params.path("skill").asText("");
        if (skill.isEmpty()) {
            throw new PlaneMethodException("invalid_params", "'skill' is required");
        }
        if (!SKILL.matcher(skill).matches() || skill.contains("..")) {
            throw new PlaneMethodException("path_rejected", "skill name '" + skill + "' is not allowed");
        }
        Path skillDir = root.resolve(skill).normalize();
        if (!skillDir.startsWith(root) || !Files.isDirectory(skillDir)) {
            throw new PlaneMethodException("not_found", "no skill '" + skill + "'");
        }
        List<Path> wanted = new ArrayList<>();
        if (params.hasNonNull("path")) {
            Path file = skillDir.resolve(params.get("path").asText()).normalize();
            if (!file.startsWith(skillDir) || params.get("path").asText().startsWith("/")) {
                throw new PlaneMethodException("path_rejected", "path leaves the skill's folder");
            }
            if (!Files.isRegularFile(file)) {
                throw new PlaneMethodException("not_found", "no file '" + params.get("path").asText() + "' in skill " + skill);
            }
            wanted.add(file);
        } else {
            try (Stream<Path> files = Files.walk(skillDir)) {
                files.filter(Files::isRegularFile).sorted().limit(MAX_FILES).forEach(wanted::add);
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Path file : wanted) {
            if (!file.toRealPath().startsWith(root.toRealPath())) {
                throw new PlaneMethodException("path_rejected", "a file of this skill links outside the skills folder");
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                continue;
            }
            out.add(Map.of("path", skillDir.relativize(file).toString(),
                    "content", Files.readString(file, StandardCharsets.UTF_8)));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("skill", skill);
        result.put("files", out);
        exchange.getMessage().setBody(result);
    }
}

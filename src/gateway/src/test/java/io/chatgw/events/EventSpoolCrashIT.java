package io.chatgw.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A process accepting events is killed with SIGKILL (kill -9) in the middle of writing; a new one on the same
 * spool replays every accepted event into PostgreSQL (the real one, stopped while the writer ran).
 */
class EventSpoolCrashIT {

    @Test
    void everyEventAcceptedBeforeAKillNineIsInPostgresqlAfterTheRestart() throws Exception {
        Path dir = Files.createTempDirectory("spool-crash-");
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SpoolWriterMain.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> accepted = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && accepted.size() < 3000) {
                accepted.add(line.substring("accepted ".length()));
            }
            // SIGKILL while it keeps appending: no shutdown hook, no close, a line may be cut in half. Events it
            // accepted after the last line read here are in the spool too (checked below: at least these)
            writer.destroyForcibly();
            assertThat(writer.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(writer.exitValue()).isEqualTo(137);

        try (EventPipelineSupport pg = new EventPipelineSupport(); EventJournal journal = pg.journal(dir)) {
            assertThat(journal.events()).isGreaterThanOrEqualTo(accepted.size());
            DrainEventSpool drain = new DrainEventSpool(journal, pg.store, pg.json, pg.meters, pg.config(dir));
            drain.process(null);
            assertThat(journal.events()).isZero();
            Integer stored = pg.jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE event_id::text = ANY(?)",
                    Integer.class, (Object) accepted.toArray(String[]::new));
            assertThat(stored).isEqualTo(accepted.size());
        }
    }
}

package io.chatgw.openai;

import java.time.Duration;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Deletes the per-request sessions of the OpenAI-compatible API ({@code sessions.ephemeral}) that have not been
 * used for {@code gateway.openai.ephemeral-sessions.retention}, in batches. Their snapshots go with them
 * (ON DELETE CASCADE); their usage records stay (usage_records has no foreign key to sessions).
 */
@Component("deleteExpiredEphemeralSessions")
public class DeleteExpiredEphemeralSessions implements Processor {

    private static final Logger log = LoggerFactory.getLogger(DeleteExpiredEphemeralSessions.class);

    private final JdbcTemplate jdbc;
    private final OpenAiProperties.EphemeralSessions config;

    public DeleteExpiredEphemeralSessions(JdbcTemplate jdbc, OpenAiProperties properties) {
        this.jdbc = jdbc;
        this.config = properties.ephemeralSessions();
    }

    @Override
    public void process(Exchange exchange) {
        exchange.getMessage().setBody(deleteUnusedFor(config.retention()));
    }

    /** @return how many sessions were deleted */
    public int deleteUnusedFor(Duration retention) {
        int total = 0;
        int deleted;
        do {
            deleted = jdbc.update("""
                    DELETE FROM sessions WHERE id IN (
                      SELECT id FROM sessions
                      WHERE ephemeral AND last_active_at < now() - make_interval(secs => ?)
                      LIMIT ?)""", (double) retention.toSeconds(), config.batchSize());
            total += deleted;
        } while (deleted == config.batchSize());
        if (total > 0) {
            log.info("deleted {} ephemeral sessions unused for {}", total, retention);
        }
        return total;
    }
}

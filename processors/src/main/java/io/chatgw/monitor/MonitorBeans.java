package io.chatgw.monitor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.chatgw.config.GatewayProperties;
import io.chatgw.core.ExecutionMode;
import io.chatgw.plane.PlaneProperties;
import io.chatgw.resilience.FallbackTargets;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.sql.DriverManager;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** The runtime monitor and its store, built from {@code gateway.monitor.*}; docs/resilience.md. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MonitorProperties.class)
public class MonitorBeans {

    @Bean
    FallbackStore fallbackStore(JdbcTemplate jdbc, TransactionTemplate tx, ObjectMapper json,
                                io.chatgw.events.EventStore events) {
        return new FallbackStore(jdbc, tx, json, events);
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    RuntimeMonitor runtimeMonitor(MonitorProperties config, GatewayProperties gateway, PlaneProperties plane,
                                  FallbackTargets targets, FallbackStore store, DataSource dataSource,
                                  MeterRegistry meters, io.chatgw.metrics.MetricTags tags) {
        Map<ExecutionMode, java.time.Duration> timeouts = Map.of(
                ExecutionMode.LEGACY, gateway.legacy().firstEventTimeout(),
                ExecutionMode.DIRECT_LLM, gateway.llm().firstEventTimeout(),
                ExecutionMode.NEW, plane.firstEventTimeout());
        String instance = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        return new RuntimeMonitor(config, timeouts, targets, store, listenConnections(dataSource),
                new MonitorMeters(meters, tags.orgs()), MonitorClock.SYSTEM, instance);
    }

    /** A connection of its own (not the pool's: it is held open for LISTEN), with the pool's URL and credentials. */
    public static ListenConnections listenConnections(DataSource dataSource) {
        HikariDataSource hikari = hikari(dataSource);
        if (hikari != null) {
            return () -> DriverManager.getConnection(hikari.getJdbcUrl(), hikari.getUsername(), hikari.getPassword());
        }
        return dataSource::getConnection;
    }

    /** The Hikari pool behind {@code dataSource} (the gateway's DataSource wraps it), or null. */
    private static HikariDataSource hikari(DataSource dataSource) {
        try {
            return dataSource.isWrapperFor(HikariDataSource.class) ? dataSource.unwrap(HikariDataSource.class) : null;
        } catch (java.sql.SQLException e) {
            return null;
        }
    }
}

package io.chatgw.database;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** PostgreSQL as the request path sees it ({@code gateway.database.*}, docs/operations.md "PostgreSQL down"). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DatabaseProperties.class)
public class DatabaseBeans {

    @Bean
    DatabaseReachability databaseReachability(DatabaseProperties config) {
        return new DatabaseReachability(config.retryAfter(), System::nanoTime);
    }

    @Bean(RequestPathDatabase.BEAN)
    RequestPathDatabase requestPathDatabase(DatabaseProperties config) {
        return new RequestPathDatabase(config);
    }

    /** Spring Boot's Hikari pool, handed to everyone (JdbcTemplate, transactions, Flyway) as {@link RequestPathConnections}. */
    @Bean
    static BeanPostProcessor requestPathConnections(ObjectProvider<DatabaseReachability> reachability,
                                                    ObjectProvider<DatabaseProperties> config) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                return bean instanceof HikariDataSource pool
                        ? new RequestPathConnections(pool, reachability.getObject(), config.getObject())
                        : bean;
            }
        };
    }
}

package io.chatgw.plane;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The execution-plane side's thread pools and launcher. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PlaneProperties.class)
public class PlaneBeans {

    /** Runs planes' frames (one connection's frames in order, connections in parallel). */
    @Bean(destroyMethod = "shutdown")
    ExecutorService planeFramePool(@Value("${gateway.plane.frame-threads:8}") int threads) {
        return Executors.newFixedThreadPool(threads, named("plane-frames"));
    }

    /** Serves planes' requests (skills, memory, MCP) off the frame sequence. */
    @Bean(destroyMethod = "shutdown")
    ExecutorService planeWorkPool(@Value("${gateway.plane.request-threads:8}") int threads) {
        return Executors.newFixedThreadPool(threads, named("plane-requests"));
    }

    @Bean(destroyMethod = "")
    PlaneLauncher planeLauncher(PlaneProperties config, VmTokens tokens, PlaneInstances instances,
                                ObjectProvider<PlaneSocketServer> server, @Value("${gateway.llm.base-url:}") String llm) {
        if ("none".equals(config.launcher())) {
            return new NoLauncher();
        }
        if (!"local".equals(config.launcher())) {
            throw new IllegalArgumentException("gateway.plane.launcher must be local or none, was " + config.launcher());
        }
        return new LocalProcessLauncher(config, tokens, instances, () -> server.getObject().publicUrl(), llm);
    }

    @Bean
    LocalLauncherShutdown localLauncherShutdown(PlaneLauncher launcher) {
        return new LocalLauncherShutdown(launcher);
    }

    /** Stops child planes with the gateway. */
    record LocalLauncherShutdown(PlaneLauncher launcher) implements org.springframework.beans.factory.DisposableBean {
        @Override
        public void destroy() {
            if (launcher instanceof LocalProcessLauncher local) {
                local.stopAll();
            }
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}

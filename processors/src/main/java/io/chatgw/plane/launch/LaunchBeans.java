package io.chatgw.plane.launch;

import io.chatgw.plane.PlaneProperties;
import io.chatgw.plane.launch.docker.DockerLauncher;
import io.chatgw.plane.launch.docker.DockerLauncherProperties;
import io.chatgw.plane.link.PlaneRegistry;
import io.chatgw.plane.socket.VmTokens;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The launcher {@code gateway.plane.launcher} names: {@code local}, {@code docker} or {@code none}. {@code firecracker}
 * is in the schema's modes but has no launcher: naming it (or anything else) stops the gateway at startup, so a
 * configuration never silently gets another launcher than the one it names.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DockerLauncherProperties.class)
public class LaunchBeans {

    private static final Logger log = LoggerFactory.getLogger(LaunchBeans.class);

    @Bean
    LaunchedPlanes launchedPlanes(PlaneRegistry registry, PlaneInstances instances, PlaneProperties config, MeterRegistry meters) {
        return new LaunchedPlanes(registry, instances, config, meters);
    }

    @Bean(destroyMethod = "")
    PlaneLauncher planeLauncher(PlaneProperties config, DockerLauncherProperties docker, VmTokens tokens,
                                PlaneInstances instances, PlaneRegistry registry, LaunchedPlanes launched,
                                ProducerTemplate routes, @Value("${gateway.llm.base-url:}") String llm) {
        PlaneLauncher launcher = switch (config.launcher()) {
            case "none" -> new NoLauncher();
            case "local" -> new LocalProcessLauncher(config, tokens, instances, launched, config::publicUrlOrDefault, llm);
            case "docker" -> {
                if (System.getProperty("api.version") == null) {
                    System.setProperty("api.version", docker.apiVersion()); // docker-java reads it; camel-docker has no option
                }
                yield new DockerLauncher(docker, config, tokens, instances, launched, routes, config.publicUrlOrDefault(), llm);
            }
            case "firecracker" -> throw new IllegalArgumentException(
                    "gateway.plane.launcher=firecracker is reserved by the schema but has no launcher yet: use docker, local or none");
            default -> throw new IllegalArgumentException(
                    "gateway.plane.launcher must be local, docker or none, was '" + config.launcher() + "'");
        };
        launched.stoppedBy(launcher);
        // a plane declared dead is stopped, so the user's next message starts a fresh one
        registry.whenDead(link -> launcher.stop(link.userId(), link.vmId(), "declared dead"));
        log.info("execution planes are started by the {} launcher", config.launcher());
        return launcher;
    }

    /** Once the routes run: the docker launcher's consumers start and it adopts its deployment's containers. */
    @Bean
    CamelContextConfiguration planeLauncherRoutes(PlaneLauncher launcher) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
                if (launcher instanceof DockerLauncher) {
                    try {
                        camelContext.getRouteController().startRoute("plane-docker-events");
                        camelContext.getRouteController().startRoute("plane-docker-poll");
                    } catch (Exception e) {
                        throw new IllegalStateException("cannot start the docker launcher's routes: " + e.getMessage(), e);
                    }
                    camelContext.createProducerTemplate().sendBody("direct:plane-docker-adopt", null);
                    // unclaimed warm-pool containers go with the gateway, while its routes still run (they are removed
                    // through them); users' containers stay, to be adopted at the next start
                    camelContext.addLifecycleStrategy(new org.apache.camel.support.LifecycleStrategySupport() {
                        @Override
                        public void onContextStopping(CamelContext context) {
                            ((DockerLauncher) launcher).closePool();
                        }
                    });
                }
            }
        };
    }

    @Bean
    LauncherShutdown launcherShutdown(PlaneLauncher launcher) {
        return new LauncherShutdown(launcher);
    }

    /** Stops the planes the launcher says stop with the gateway (local children; containers are adopted instead). */
    record LauncherShutdown(PlaneLauncher launcher) implements org.springframework.beans.factory.DisposableBean {
        @Override
        public void destroy() {
            launcher.shutdown();
        }
    }
}

package io.chatgw.plane;

import io.chatgw.plane.socket.PlaneConnections;
import io.chatgw.plane.socket.PlaneSocketComponent;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The execution-plane side's thread pools and socket server (the launcher: launch.LaunchBeans). */
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

    /**
     * The /ws/vm server's own Vert.x (camel-vertx-websocket uses it: {@link #planeSocketComponent}).
     * In Camel 4.17 the consumer hands every OPEN/MESSAGE/CLOSE to {@code executeBlocking(..., ordered=false)}
     * on this instance's worker pool; with ONE worker thread those run FIFO, so a connection's events reach
     * routes/plane.yaml in arrival order. The route only queues them (PlaneConnections), so one thread is enough.
     */
    @Bean(destroyMethod = "close", autowireCandidate = false)
    Vertx planeSocketVertx(PlaneProperties config) {
        return Vertx.vertx(new VertxOptions().setWorkerPoolSize(1).setEventLoopPoolSize(config.socketEventLoops()));
    }

    /**
     * Size limits of the /ws/vm socket layer: one WebSocket frame (fragment) up to max-socket-frame-bytes. Messages
     * are assembled by {@link PlaneFrameAssembler}, which enforces max-frame-bytes on the whole message, however
     * large or fragmented (frame_too_large), so Vert.x's own message limit only applies before it takes over.
     */
    @Bean(autowireCandidate = false)
    HttpServerOptions planeSocketServerOptions(PlaneProperties config) {
        return new HttpServerOptions()
                .setIdleTimeout((int) Math.max(1, config.socketIdleTimeout().toSeconds()))
                .setMaxWebSocketFrameSize(config.maxSocketFrameBytes())
                .setMaxWebSocketMessageSize(config.maxSocketFrameBytes());
    }

    /**
     * camel-vertx-websocket, the component {@code vertx-websocket} of routes/plane.yaml: on planeSocketVertx (by name:
     * that Vert.x is no autowiring candidate), with the upgrade deadline on every /ws/vm connection. Camel starts and
     * stops it (no destroy method here).
     */
    @Bean(name = "vertx-websocket", destroyMethod = "")
    PlaneSocketComponent planeSocketComponent(@Value("#{planeSocketVertx}") Vertx vertx, PlaneProperties config) {
        return new PlaneSocketComponent(vertx, config.upgradeHeaderTimeout());
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

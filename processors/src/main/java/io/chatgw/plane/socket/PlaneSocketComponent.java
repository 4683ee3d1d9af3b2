package io.chatgw.plane.socket;

import io.netty.channel.Channel;
import io.netty.handler.traffic.GlobalTrafficShapingHandler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.SslChannelProvider;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.function.BiConsumer;
import org.apache.camel.component.vertx.websocket.VertxWebsocketComponent;
import org.apache.camel.component.vertx.websocket.VertxWebsocketHost;
import org.apache.camel.component.vertx.websocket.VertxWebsocketHostConfiguration;
import org.apache.camel.component.vertx.websocket.VertxWebsocketHostKey;
import org.apache.camel.spi.annotations.Component;

/**
 * camel-vertx-websocket (the component {@code vertx-websocket} of routes/plane.yaml) on the /ws/vm server's own
 * Vert.x, with the port's {@link UpgradeDeadline} first in every accepted connection's pipeline.
 *
 * <p>It carries the stock component's {@code @Component("vertx-websocket")}: Camel finds an endpoint's option
 * configurer by that name, and without it the options of the route's URI that live in the endpoint's configuration
 * ({@code fireWebSocketConnectionEvents}, {@code serverOptions}, ...) are silently dropped (the endpoint is lenient):
 * no OPEN/CLOSE events, so every plane frame went unhandled (the first try at this deadline, reverted).
 *
 * <p>The deadline needs a hook on a connection before its first request: Camel 4.17's host creates its Vert.x HTTP
 * server itself ({@code vertx.createHttpServer}), and Vert.x 4.5's connection handler runs only once a request's
 * headers are in. So the host gets the Vert.x behind a view whose {@code createHttpServer} makes what Vert.x makes
 * there ({@code HttpServerImpl}, internal API, checked against Vert.x 4.5.22) with the deadline added to each new
 * channel; every other call goes to the Vert.x as it is. Everything else (router, consumers, events) is the stock
 * component's.
 */
@Component("vertx-websocket")
public class PlaneSocketComponent extends VertxWebsocketComponent {

    private final Duration upgradeHeaderTimeout;

    public PlaneSocketComponent(Vertx vertx, Duration upgradeHeaderTimeout) {
        this.upgradeHeaderTimeout = upgradeHeaderTimeout;
        setVertx(vertx);
    }

    @Override
    protected VertxWebsocketHost createVertxWebsocketHost(VertxWebsocketHostConfiguration configuration,
                                                          VertxWebsocketHostKey key) {
        Vertx vertx = configuration.getVertx();
        Vertx serverVertx = (Vertx) Proxy.newProxyInstance(PlaneSocketComponent.class.getClassLoader(),
                new Class<?>[] {Vertx.class}, (proxy, method, args) -> {
                    if (method.getName().equals("createHttpServer")) {
                        HttpServerOptions options = args == null ? new HttpServerOptions() : (HttpServerOptions) args[0];
                        return new PlaneHttpServer((VertxInternal) vertx, options, upgradeHeaderTimeout);
                    }
                    try {
                        return method.invoke(vertx, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return super.createVertxWebsocketHost(new VertxWebsocketHostConfiguration(serverVertx,
                configuration.getRouter(), configuration.getServerOptions(), configuration.getSslContextParameters()), key);
    }

    /** Vert.x's HTTP server, each accepted channel with the upgrade deadline in front of Vert.x's handlers. */
    private static final class PlaneHttpServer extends HttpServerImpl {

        private final Duration upgradeHeaderTimeout;

        PlaneHttpServer(VertxInternal vertx, HttpServerOptions options, Duration upgradeHeaderTimeout) {
            super(vertx, options);
            this.upgradeHeaderTimeout = upgradeHeaderTimeout;
        }

        @Override
        protected BiConsumer<Channel, SslChannelProvider> childHandler(ContextInternal context, SocketAddress address,
                                                                       GlobalTrafficShapingHandler trafficShaping) {
            BiConsumer<Channel, SslChannelProvider> vertxHandler = super.childHandler(context, address, trafficShaping);
            return (channel, ssl) -> {
                vertxHandler.accept(channel, ssl);
                channel.pipeline().addFirst(UpgradeDeadline.NAME, new UpgradeDeadline(upgradeHeaderTimeout));
            };
        }
    }
}

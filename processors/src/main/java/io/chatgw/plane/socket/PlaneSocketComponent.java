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

/**
 * camel-vertx-websocket with the /ws/vm port's upgrade deadline ({@link UpgradeDeadline}) first in every accepted
 * connection's pipeline. Camel 4.17's host creates its Vert.x HTTP server itself ({@code vertx.createHttpServer}), and
 * Vert.x 4.5 has no public hook on a connection before its first request (its connection handler runs only once a
 * request's headers are in, too late for a slowloris). So the host gets the component's Vert.x behind a thin view
 * whose {@code createHttpServer} makes what Vert.x makes there ({@code HttpServerImpl}: internal API, checked against
 * Vert.x 4.5.22) with the deadline added to each new channel; everything else goes to the Vert.x as it is.
 */
public class PlaneSocketComponent extends VertxWebsocketComponent {

    private final Duration upgradeHeaderTimeout;

    public PlaneSocketComponent(Duration upgradeHeaderTimeout) {
        this.upgradeHeaderTimeout = upgradeHeaderTimeout;
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

    /** Vert.x's HTTP server, each accepted channel with the upgrade deadline in front (after TLS, where there is TLS). */
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
                UpgradeDeadline deadline = new UpgradeDeadline(upgradeHeaderTimeout);
                if (channel.pipeline().get("ssl") != null) {
                    channel.pipeline().addAfter("ssl", UpgradeDeadline.NAME, deadline);
                } else {
                    channel.pipeline().addFirst(UpgradeDeadline.NAME, deadline);
                }
            };
        }
    }
}

package io.chatgw.http.server;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.embedded.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.NettyPipeline;

/**
 * The HTTP port's limits ({@link HttpServerProperties}) on Reactor Netty: the idle timeout is its own; the header and
 * body deadlines ({@link RequestDeadlines}), the per-source connection limit ({@link ConnectionsPerSource}) and the
 * body framing check ({@link BodyFraming}) are handlers of ours in every connection's pipeline.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HttpServerProperties.class)
public class HttpServerLimits {

    static final String CONNECTIONS_PER_SOURCE = "chatgw.connectionsPerSource";
    static final String REQUEST_DEADLINES = "chatgw.requestDeadlines";
    static final String BODY_FRAMING = "chatgw.bodyFraming";

    @Bean
    ConnectionsPerSource connectionsPerSource(HttpServerProperties limits) {
        return new ConnectionsPerSource(limits.maxConnectionsPerSource() <= 0 ? Integer.MAX_VALUE
                : limits.maxConnectionsPerSource());
    }

    @Bean
    NettyServerCustomizer httpServerLimitsCustomizer(HttpServerProperties limits, ConnectionsPerSource perSource) {
        return server -> server
                .idleTimeout(limits.idleTimeout())
                .doOnChannelInit((observer, channel, remote) -> {
                    channel.pipeline().addFirst(CONNECTIONS_PER_SOURCE, perSource);
                    if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
                        RequestDeadlines.install(channel.pipeline(), NettyPipeline.HttpCodec, REQUEST_DEADLINES,
                                limits.headerTimeout(), limits.bodyTimeout());
                        channel.pipeline().addAfter(REQUEST_DEADLINES, BODY_FRAMING, new BodyFraming());
                    }
                });
    }
}

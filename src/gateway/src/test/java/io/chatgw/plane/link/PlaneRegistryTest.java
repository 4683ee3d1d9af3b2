package io.chatgw.plane.link;

import io.chatgw.plane.PlaneProperties;
import io.chatgw.plane.socket.PlaneConnection;
import io.chatgw.plane.turns.PlaneTurns;
import io.chatgw.plane.socket.SerialExecutor;
import io.chatgw.plane.socket.VmTokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.contains;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.after;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatgw.auth.JwtVerifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * PlaneRegistry and its parts (greeting, heartbeat, token refresh) against mocked sockets, with non-default settings: missed-pongs, liveness from a backlog,
 * fresh VM tokens in welcome and before the last one expires, and a replaced connection's late callbacks.
 */
class PlaneRegistryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Vertx vertx = Vertx.vertx();
    private final JwtVerifier jwt = new JwtVerifier("heartbeat-test-secret-0123456789-0123456789", Duration.ofSeconds(1));

    @AfterEach
    void close() {
        vertx.close();
    }

    private PlaneProperties config(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bind("gateway.plane", PlaneProperties.class)
                .orElseGet(() -> new Binder(new MapConfigurationPropertySource(Map.of("gateway.plane.port", "8081")))
                        .bind("gateway.plane", PlaneProperties.class).get());
    }

    /** The registry and its parts, wired as Spring wires them. */
    private record Planes(PlaneRegistry registry, PlaneGreeting greeting, PlaneHeartbeat heartbeat) {
    }

    private record Plane(Planes planes, PlaneLink link, PlaneConnection connection, ServerWebSocket socket,
                         List<String> written) {
    }

    private Plane connectedPlane(PlaneProperties config) {
        VmTokens tokens = new VmTokens(jwt, config);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        PlaneRegistry registry = new PlaneRegistry(vertx, config, meters, false);
        PlaneSender sender = new PlaneSender(JSON, meters);
        PlaneTokenRefresh tokenRefresh = new PlaneTokenRefresh(tokens, sender, config);
        PlaneGreeting greeting = new PlaneGreeting(vertx, registry, sender, tokenRefresh, config, meters,
                new LatestSnapshots(null, JSON));
        PlaneHeartbeat heartbeat = new PlaneHeartbeat(vertx, registry, new PlaneTurns(sender, config), tokenRefresh, config, meters,
                sender);
        return connect(new Planes(registry, greeting, heartbeat));
    }

    private static Plane connect(Planes planes) {
        ServerWebSocket socket = mock(ServerWebSocket.class);
        List<String> written = new CopyOnWriteArrayList<>();
        when(socket.writeTextMessage(anyString())).thenAnswer(call -> {
            written.add(call.getArgument(0));
            return Future.succeededFuture();
        });
        PlaneConnection connection = new PlaneConnection("k" + System.nanoTime(), socket, new SerialExecutor(Executors.newSingleThreadExecutor()),
                new SerialExecutor(Executors.newSingleThreadExecutor()), 1000);
        PlaneLink link = planes.registry().attach(new VmTokens.VmIdentity("u-1", "org-1", "vm-u-1"), connection);
        planes.greeting().greet(link, connection, JSON.createObjectNode().put("type", "hello"));
        return new Plane(planes, link, connection, socket, written);
    }

    private static long countOf(List<String> written, String type) {
        return written.stream().filter(f -> f.contains("\"type\":\"" + type + "\"")).count();
    }

    @Test
    void aPlaneIsDeclaredDeadAfterTheConfiguredNumberOfMissedPongs() {
        Plane plane = connectedPlane(config(Map.of("gateway.plane.port", "8081", "gateway.plane.heartbeat-interval", "100ms",
                "gateway.plane.missed-pongs", "5")));

        verify(plane.socket(), timeout(3_000)).close(eq((short) 1001), contains("missed 5 heartbeats"));
        assertThat(countOf(plane.written(), "ping")).isEqualTo(5);
    }

    @Test
    void framesArrivingOrWaitingKeepAPlaneAlive() throws Exception {
        Plane plane = connectedPlane(config(Map.of("gateway.plane.port", "8081", "gateway.plane.heartbeat-interval", "100ms",
                "gateway.plane.missed-pongs", "2")));
        plane.connection().queued(10); // a backlog: received frames not handled yet (a pong may be among them)
        verify(plane.socket(), after(800).never()).close(eq((short) 1001), anyString());
        plane.connection().handled(10);
        for (int i = 0; i < 8; i++) {
            plane.planes().heartbeat().heard(plane.link(), plane.connection()); // any frame on arrival
            Thread.sleep(100);
        }
        verify(plane.socket(), never()).close(eq((short) 1001), anyString());
        verify(plane.socket(), timeout(2_000)).close(eq((short) 1001), contains("missed 2 heartbeats"));
    }

    @Test
    void welcomeCarriesAFreshTokenAndANewOneComesBeforeItExpires() throws Exception {
        PlaneProperties config = config(Map.of("gateway.plane.port", "8081", "gateway.plane.heartbeat-interval", "100ms",
                "gateway.plane.missed-pongs", "1000", "gateway.plane.token-ttl", "2s"));
        Plane plane = connectedPlane(config);
        VmTokens tokens = new VmTokens(jwt, config);

        JsonNode welcome = JSON.readTree(plane.written().get(0));
        assertThat(welcome.get("type").asText()).isEqualTo("welcome");
        VmTokens.VmIdentity fromWelcome = tokens.verify(welcome.get("token").asText());
        assertThat(fromWelcome).isEqualTo(new VmTokens.VmIdentity("u-1", "org-1", "vm-u-1"));
        java.util.Date welcomeExpiry = expiryOf(welcome.get("token").asText());

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (countOf(plane.written(), "token") < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        List<String> refreshes = plane.written().stream().filter(f -> f.contains("\"type\":\"token\"")).toList();
        assertThat(refreshes).as("a token frame each half TTL").hasSizeGreaterThanOrEqualTo(2);
        String latest = JSON.readTree(refreshes.get(refreshes.size() - 1)).get("token").asText();
        assertThat(tokens.verify(latest).vmId()).isEqualTo("vm-u-1");
        assertThat(expiryOf(latest)).isAfter(welcomeExpiry);
    }

    private java.util.Date expiryOf(String token) {
        return (java.util.Date) jwt.verify(token).all().get("exp");
    }

    @Test
    void aReplacedConnectionsLateHelloAndCloseDoNotTouchTheNewOne() {
        Plane old = connectedPlane(config(Map.of("gateway.plane.port", "8081", "gateway.plane.heartbeat-interval", "1h")));
        Plane current = connect(old.planes()); // same vm_id: replaces the first connection
        verify(old.socket()).close(eq((short) 4000), anyString());
        assertThat(current.link()).isSameAs(old.link());
        int welcomes = current.written().size();

        old.planes().greeting().greet(old.link(), old.connection(), JSON.createObjectNode().put("type", "hello"));
        old.planes().registry().detach(old.link(), old.connection());
        old.planes().heartbeat().heard(old.link(), old.connection());

        assertThat(current.written()).hasSize(welcomes); // no second welcome on the new socket
        assertThat(old.written().stream().filter(f -> f.contains("welcome")).count()).isEqualTo(1);
        assertThat(current.link().isLive()).as("the old socket's close did not detach the new one").isTrue();
        assertThat(current.link().isCurrent(current.connection())).isTrue();
        assertThat(current.link().isCurrent(old.connection())).isFalse();
    }

    @Test
    void aDeadPlanesListenersRunOffTheEventLoopAndOneFailingDoesNotSkipTheNext() throws Exception {
        PlaneProperties config = config(Map.of("gateway.plane.port", "8081", "gateway.plane.heartbeat-interval", "100ms",
                "gateway.plane.missed-pongs", "2"));
        PlaneRegistry registry = new PlaneRegistry(vertx, config, new SimpleMeterRegistry(), false);
        List<String> threads = new CopyOnWriteArrayList<>();
        registry.whenDead(link -> {
            threads.add(Thread.currentThread().getName());
            throw new IllegalStateException("the database is down"); // as PlaneInstances.terminated would
        });
        java.util.concurrent.CompletableFuture<Boolean> second = new java.util.concurrent.CompletableFuture<>();
        registry.whenDead(link -> second.complete(io.vertx.core.Context.isOnEventLoopThread()));
        Plane plane = connect(new Planes(registry, new PlaneGreeting(vertx, registry, new PlaneSender(JSON, new SimpleMeterRegistry()),
                new PlaneTokenRefresh(new VmTokens(jwt, config), new PlaneSender(JSON, new SimpleMeterRegistry()), config), config,
                new SimpleMeterRegistry(), new LatestSnapshots(null, JSON)), null));

        vertx.runOnContext(v -> registry.declareDead(plane.link(), "missed heartbeats")); // as the heartbeat tick does

        assertThat(second.get(5, java.util.concurrent.TimeUnit.SECONDS)).as("the second listener ran, off the loop").isFalse();
        assertThat(threads).singleElement().asString().doesNotContain("eventloop");
    }
}

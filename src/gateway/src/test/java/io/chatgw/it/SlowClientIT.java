package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.support.GatewayTestBase;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Clients that stop reading are dropped; the path producing the events never waits for them. */
class SlowClientIT extends GatewayTestBase {

    private static final int CHUNKS = 60_000;

    @Autowired
    MeterRegistry meters;

    @Test
    void clientsThatStopReadingAreDroppedAndTheTurnCompletesWithoutThem() throws Exception {
        String token = tokenFor("u-carol", "org-acme");
        String session = newSession(token);
        double droppedBefore = meters.counter("gateway.sse.slow.clients.dropped").count();

        try (Socket follower = stalledClient("GET /api/v1/sessions/" + session + "/events HTTP/1.1\r\n", token, null);
             Socket poster = stalledClient("POST /api/v1/sessions/" + session + "/messages HTTP/1.1\r\n", token,
                     JSON.writeValueAsString(Map.of("message", "[[standin chunks=" + CHUNKS + " delay_ms=0]] flood")))) {
            long t0 = System.nanoTime();
            Map<String, Object> usage = awaitUsage(session);
            long tookMs = (System.nanoTime() - t0) / 1_000_000;

            // the answer completed; the client that posted it was dropped before its end (docs/events.md)
            assertThat(usage.get("status")).isEqualTo("client_disconnected");
            assertThat(usage.get("tokens_out")).isEqualTo(CHUNKS);
            assertThat(tookMs).as("the turn did not wait for its readers").isLessThan(30_000);
            assertThat(meters.counter("gateway.sse.slow.clients.dropped").count() - droppedBefore).isEqualTo(2.0);
            assertThat(readUntilClosed(follower)).as("the follower's connection was closed early").isLessThan(CHUNKS * 40L);
            assertThat(readUntilClosed(poster)).isLessThan(CHUNKS * 40L);
        }
    }

    /** Opens a request on a raw socket with a tiny receive window, reads the first bytes, then stops reading. */
    private Socket stalledClient(String requestLine, String token, String body) throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(2048);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        OutputStream out = socket.getOutputStream();
        StringBuilder request = new StringBuilder(requestLine)
                .append("Host: localhost\r\nAccept: text/event-stream\r\nAuthorization: Bearer ").append(token).append("\r\n");
        if (body != null) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            request.append("Content-Type: application/json\r\nContent-Length: ").append(bytes.length).append("\r\n\r\n").append(body);
        } else {
            request.append("\r\n");
        }
        out.write(request.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = socket.getInputStream();
        assertThat(in.read(new byte[64])).isPositive(); // headers are coming: the stream is open
        return socket;
    }

    private static long readUntilClosed(Socket socket) throws Exception {
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[65536];
        long total = 0;
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
            }
        } catch (java.net.SocketException reset) {
            // closed by the gateway with a reset
        }
        return total;
    }

    private Map<String, Object> awaitUsage(String session) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<Map<String, Object>> rows = jdbc.queryForList("SELECT * FROM usage_records WHERE session_id = ?::uuid", session);
            if (!rows.isEmpty()) {
                return rows.get(0);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the turn did not complete");
    }
}

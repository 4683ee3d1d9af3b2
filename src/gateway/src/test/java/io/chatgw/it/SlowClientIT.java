package io.chatgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.relay.SessionRelay;
import io.chatgw.support.GatewayTestBase;
import io.chatgw.support.SseClient.Event;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** A client that stops reading is dropped; the path producing events and the other clients never wait for it. */
class SlowClientIT extends GatewayTestBase {

    @Autowired
    MeterRegistry meters;
    @Autowired
    SessionRelay relay;

    @Test
    void clientThatStopsReadingIsDroppedWhileTheTurnAndAFastClientComplete() throws Exception {
        String token = tokenFor("u-carol", "org-acme");
        String session = newSession(token);
        double droppedBefore = meters.counter("gateway.sse.slow.clients.dropped").count();

        try (Socket slow = new Socket()) {
            slow.setReceiveBufferSize(2048); // a tiny window: the server's writes back up quickly
            slow.connect(new InetSocketAddress("127.0.0.1", port));
            OutputStream out = slow.getOutputStream();
            out.write(("GET /api/v1/sessions/" + session + "/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n"
                    + "Authorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = slow.getInputStream();
            byte[] head = new byte[64];
            assertThat(in.read(head)).isPositive(); // the stream is open; from now on it reads nothing

            long t0 = System.nanoTime();
            List<Event> events = chat(token, session, "[[standin chunks=20000 delay_ms=0]] flood");
            long tookMs = (System.nanoTime() - t0) / 1_000_000;

            assertThat(events.get(events.size() - 1).type()).isEqualTo("done");
            assertThat(events).filteredOn(e -> e.type().equals("text")).hasSize(20000);
            assertThat(meters.counter("gateway.sse.slow.clients.dropped").count()).isGreaterThan(droppedBefore);
            // the dropped client's connection is closed: after whatever was buffered, the read ends
            slow.setSoTimeout(10_000);
            byte[] drain = new byte[65536];
            long drained = 0;
            int n;
            try {
                while ((n = in.read(drain)) > 0) {
                    drained += n;
                }
            } catch (java.net.SocketException reset) {
                // reset by the gateway: also closed
            }
            assertThat(drained).as("it never got the whole turn").isLessThan(20000L * 40);
            assertThat(tookMs).as("the turn did not wait for the slow client").isLessThan(30_000);
        }
    }
}

package io.chatgw.plane.socket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When {@link UpgradeDeadline} cuts a /ws/vm connection, on a channel whose clock the test moves. */
class UpgradeDeadlineTest {

    private static EmbeddedChannel accepted(boolean upgraded) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        if (upgraded) {
            channel.pipeline().addLast("wsdecoder", new WebSocket13FrameDecoder(true, false, 65536));
        }
        channel.pipeline().addFirst(UpgradeDeadline.NAME, new UpgradeDeadline(Duration.ofSeconds(10)));
        return channel;
    }

    private static void after(EmbeddedChannel channel, long seconds) {
        channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void aConnectionNotUpgradedByTheDeadlineIsAnswered408UpgradeTimeoutAndClosed() {
        EmbeddedChannel channel = accepted(false);
        channel.writeInbound(Unpooled.copiedBuffer("GET /ws/vm HTTP/1.1\r\nHo", StandardCharsets.US_ASCII));
        after(channel, 9);
        assertThat(channel.isOpen()).isTrue();
        assertThat(channel.outboundMessages()).isEmpty();

        after(channel, 2);
        ByteBuf answer = channel.readOutbound();
        String text = answer.toString(StandardCharsets.US_ASCII);
        answer.release();
        assertThat(text).startsWith("HTTP/1.1 408 Request Timeout\r\n").contains("Connection: close\r\n")
                .endsWith("{\"error\":{\"code\":\"upgrade_timeout\",\"message\":\"WebSocket upgrade not completed in time\"}}");
        int length = Integer.parseInt(text.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
        assertThat(text.substring(text.indexOf("\r\n\r\n") + 4)).hasSize(length);
        assertThat(channel.isOpen()).isFalse();
        channel.releaseInbound();
    }

    @Test
    void aConnectionThatSendsNothingIsCutTooTheClockRunsFromTheAccept() {
        EmbeddedChannel channel = accepted(false);
        after(channel, 11);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void anUpgradedConnectionIsLeftAloneAndTheDeadlineTakesItselfOut() {
        EmbeddedChannel channel = accepted(true);
        after(channel, 11);
        assertThat(channel.isOpen()).isTrue();
        assertThat(channel.outboundMessages()).isEmpty();
        assertThat(channel.pipeline().get(UpgradeDeadline.NAME)).isNull();
        after(channel, 3600);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void itPassesEveryByteOnUntouched() {
        EmbeddedChannel channel = accepted(false);
        ByteBuf bytes = Unpooled.copiedBuffer("GET /ws/vm HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII);
        channel.writeInbound(bytes);
        ByteBuf passed = channel.readInbound();
        assertThat(passed).isSameAs(bytes);
        passed.release();
        channel.finishAndReleaseAll();
    }
}

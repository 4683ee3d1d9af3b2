package io.chatgw.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A /ws/vm client over a plain TCP socket (RFC 6455 written out by hand), for what a WebSocket library will not do:
 * many frames in ONE write, so they arrive at the gateway together however slow this machine is (the flood limits
 * count frames by arrival time). Reads the gateway's text frames and its close frame.
 */
public final class RawPlaneSocket implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int closeCode = -2;
    private String closeReason;

    public RawPlaneSocket(String url, String token) throws IOException {
        URI uri = URI.create(url);
        socket = new Socket(uri.getHost(), uri.getPort());
        socket.setSoTimeout(15_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        String key = Base64.getEncoder().encodeToString(new byte[16]);
        out.write(("GET " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                + "\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = readLine();
        if (!status.contains(" 101 ")) {
            throw new IOException("no upgrade: " + status);
        }
        while (!readLine().isEmpty()) {
            // response headers
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("closed during the handshake");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    /** Every text in its own (masked) WebSocket text frame, all in one write. */
    public void sendAll(List<String> texts) throws IOException {
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        for (String text : texts) {
            frame(burst, 0x1, text.getBytes(StandardCharsets.UTF_8));
        }
        out.write(burst.toByteArray());
        out.flush();
    }

    private static void frame(ByteArrayOutputStream to, int opcode, byte[] payload) {
        to.write(0x80 | opcode);
        if (payload.length < 126) {
            to.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            to.write(0x80 | 126);
            to.write(payload.length >> 8);
            to.write(payload.length & 0xff);
        } else {
            throw new IllegalArgumentException("keep raw frames under 64 KiB");
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        to.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            to.write(payload[i] ^ mask[i % 4]);
        }
    }

    /**
     * The next text frame from the gateway that contains {@code marker}, answering pings; null once the gateway closed
     * the connection (its close code and reason are then known).
     */
    public String next(String marker) throws IOException {
        while (true) {
            int head = in.read();
            if (head < 0) {
                closeCode = closeCode == -2 ? -1 : closeCode;
                return null;
            }
            int opcode = head & 0x0f;
            long length = in.read() & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            if (opcode == 0x8) {
                closeCode = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                closeReason = payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                return null;
            }
            String text = new String(payload, StandardCharsets.UTF_8);
            if (opcode == 0x1 && text.contains("\"ping\"")) {
                sendAll(List.of(text.replace("\"ping\"", "\"pong\"")));
            } else if (opcode == 0x1 && text.contains(marker)) {
                return text;
            }
        }
    }

    /** Reads until the gateway closes; returns its close code (-1: dropped without a close frame). */
    public int awaitClose() throws IOException {
        while (next("\u0000never") != null) {
            // skip
        }
        return closeCode;
    }

    public String closeReason() {
        return closeReason;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

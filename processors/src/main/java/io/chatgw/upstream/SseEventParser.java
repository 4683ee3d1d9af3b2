package io.chatgw.upstream;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Incremental parser for text/event-stream (WHATWG SSE): feed it bytes as they arrive, in chunks cut
 * anywhere, and it hands over each complete event. Handles LF, CRLF and CR line ends, multi-line
 * {@code data}, comments, and a UTF-8 BOM. Lines are decoded whole, so multi-byte characters split
 * across chunks are safe. A line longer than {@code maxLineBytes} is an error (a runaway upstream).
 */
public final class SseEventParser {

    private final Consumer<SseEvent> sink;
    private final int maxLineBytes;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String eventType;
    private String lastId;
    private boolean lastWasCr;
    private boolean atStart = true;

    public SseEventParser(int maxLineBytes, Consumer<SseEvent> sink) {
        this.sink = sink;
        this.maxLineBytes = maxLineBytes;
    }

    public void feed(byte[] bytes) {
        feed(bytes, 0, bytes.length);
    }

    public void feed(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                if (lastWasCr) {
                    lastWasCr = false; // the LF of a CRLF
                    continue;
                }
                endLine();
            } else if (b == '\r') {
                lastWasCr = true;
                endLine();
            } else {
                lastWasCr = false;
                if (line.size() >= maxLineBytes) {
                    throw new IllegalStateException("SSE line longer than " + maxLineBytes + " bytes");
                }
                line.write(b);
            }
        }
    }

    private void endLine() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (atStart) {
            atStart = false;
            if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
                text = text.substring(1);
            }
        }
        if (text.isEmpty()) {
            dispatch();
            return;
        }
        if (text.charAt(0) == ':') {
            return; // comment / keep-alive
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            case "event" -> eventType = value;
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastId = value;
                }
            }
            default -> {
                // "retry" and unknown fields do not concern a relay
            }
        }
    }

    private void dispatch() {
        if (hasData) {
            sink.accept(new SseEvent(lastId, eventType == null || eventType.isEmpty() ? "message" : eventType,
                    data.toString()));
        }
        data.setLength(0);
        hasData = false;
        eventType = null;
    }
}

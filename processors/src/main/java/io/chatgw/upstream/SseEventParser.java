package io.chatgw.upstream;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
    /** The current line's bytes so far (a line may span chunks). */
    private byte[] line = new byte[256];
    private int lineLength;
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
        int end = offset + length;
        int i = offset;
        if (lastWasCr && i < end && bytes[i] == '\n') {
            i++; // the LF of a CRLF split across chunks
        }
        lastWasCr = false;
        while (i < end) {
            // copy the run up to the next line end in one go: this runs for every byte an upstream streams
            int stop = i;
            while (stop < end && bytes[stop] != '\n' && bytes[stop] != '\r') {
                stop++;
            }
            append(bytes, i, stop - i);
            if (stop == end) {
                return;
            }
            endLine();
            if (bytes[stop] == '\r') {
                if (stop + 1 < end) {
                    if (bytes[stop + 1] == '\n') {
                        stop++;
                    }
                } else {
                    lastWasCr = true;
                }
            }
            i = stop + 1;
        }
    }

    private void append(byte[] bytes, int from, int count) {
        if (count == 0) {
            return;
        }
        if (lineLength + count > maxLineBytes) {
            throw new IllegalStateException("SSE line longer than " + maxLineBytes + " bytes");
        }
        if (lineLength + count > line.length) {
            line = Arrays.copyOf(line, Math.min(maxLineBytes, Math.max(line.length * 2, lineLength + count)));
        }
        System.arraycopy(bytes, from, line, lineLength, count);
        lineLength += count;
    }

    private void endLine() {
        String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        lineLength = 0;
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

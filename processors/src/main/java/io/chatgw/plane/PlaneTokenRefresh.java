package io.chatgw.plane;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Fresh VM tokens for connected planes: one in every welcome, and a {@code token} frame every half TTL, so a
 * plane can always reconnect (docs/protocol.md {@code token}).
 */
@Component
public class PlaneTokenRefresh {

    private final VmTokens tokens;
    private final PlaneSender sender;
    private final long refreshNanos;

    public PlaneTokenRefresh(VmTokens tokens, PlaneSender sender, PlaneProperties config) {
        this.tokens = tokens;
        this.sender = sender;
        this.refreshNanos = config.tokenTtl().toNanos() / 2;
    }

    /** A fresh token for the plane; the caller sends it and then calls {@link #sent} under the link's monitor. */
    String issue(PlaneLink link) {
        return tokens.issue(link.userId, link.orgId, link.vmId);
    }

    /** The plane was just handed a fresh token (caller holds the link's monitor). */
    void sent(PlaneLink link) {
        link.tokenIssuedNanos = System.nanoTime();
    }

    /** Whether the plane's token is half-way to expiry (caller holds the link's monitor). */
    boolean due(PlaneLink link) {
        return System.nanoTime() - link.tokenIssuedNanos > refreshNanos;
    }

    /** Sends a fresh token if the plane is still connected and greeted. */
    void refresh(PlaneLink link) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", "token");
        frame.put("token", issue(link));
        String text = sender.write(frame);
        synchronized (link) {
            if (!link.isLive()) {
                return;
            }
            sent(link);
            link.socket().writeTextMessage(text);
        }
        sender.count("token", "out");
    }
}

package io.chatgw.plane.link;

import io.chatgw.plane.PlaneProperties;
import io.chatgw.plane.socket.VmTokens;
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

    /** A fresh token for the plane (for its welcome; the link notes when it went out). */
    String issue(PlaneLink link) {
        return tokens.issue(link.userId(), link.orgId(), link.vmId());
    }

    /** Whether the plane's token is half-way to expiry. */
    boolean due(PlaneLink link) {
        return link.tokenOlderThan(refreshNanos);
    }

    /** Sends a fresh token if the plane is still connected and greeted. */
    void refresh(PlaneLink link) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", "token");
        frame.put("token", issue(link));
        if (link.sendToken(sender.write(frame))) {
            sender.count("token", "out");
        }
    }
}

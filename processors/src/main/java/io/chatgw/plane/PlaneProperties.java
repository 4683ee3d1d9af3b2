package io.chatgw.plane;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Knobs of the execution-plane WebSocket ({@code gateway.plane.*}); the protocol is in docs/protocol.md. */
@ConfigurationProperties("gateway.plane")
public record PlaneProperties(
        /** Interface the /ws/vm server binds to (the execution-plane network). */
        @DefaultValue("0.0.0.0") String host,
        @DefaultValue("8081") int port,
        @DefaultValue("/ws/vm") String path,
        /** The URL launched planes are told to dial; empty = ws://127.0.0.1:{port}{path}. */
        String publicUrl,
        @DefaultValue("10s") Duration heartbeatInterval,
        @DefaultValue("3") int missedPongs,
        /** Largest protocol frame (a whole WebSocket message, however fragmented); larger ones get frame_too_large. */
        @DefaultValue("1048576") int maxFrameBytes,
        /**
         * Largest single WebSocket frame (fragment) the socket layer reads, which it holds whole while reading: a
         * larger one closes the socket with 1009. At least max-frame-bytes; send bigger messages fragmented.
         */
        @DefaultValue("16777216") int maxSocketFrameBytes,
        /** Bad frames (answered with an error frame) a plane may send within bad-frame-window; one more closes it (1008). */
        @DefaultValue("20") int maxBadFrames,
        @DefaultValue("60s") Duration badFrameWindow,
        /** Rejected frames and unknown methods are audited as one audit_log row per connection and window of this length. */
        @DefaultValue("60s") Duration rejectionAuditWindow,
        /** Plane requests (request frames) of one plane served at once; more wait in its queue (fair between planes). */
        @DefaultValue("4") int maxConcurrentRequests,
        /** Plane requests of one plane waiting to be served; beyond, a request gets an error frame too_many_requests. */
        @DefaultValue("64") int maxQueuedRequests,
        /** Frames per second other than sse_event and pong (by arrival time) beyond which a plane is closed. */
        @DefaultValue("500") int maxFramesPerSecond,
        /** Characters of received frames waiting to be handled beyond which the socket is paused (backpressure). */
        @DefaultValue("4194304") int frameQueueHighWater,
        /** Event loops of the /ws/vm server's own Vert.x instance. */
        @DefaultValue("2") int socketEventLoops,
        /** How long downlink frames and responses are kept for a plane that is away. */
        @DefaultValue("5m") Duration holdTtl,
        @DefaultValue("200") int holdMax,
        /** A running turn waits this long for its plane to come back before failing with vm_unavailable. */
        @DefaultValue("30s") Duration reconnectGrace,
        /** A message for a user without a live plane waits this long for one to say hello. */
        @DefaultValue("60s") Duration startTimeout,
        @DefaultValue("15m") Duration tokenTtl,
        /** Snapshots kept per session. */
        @DefaultValue("5") int snapshotsKept,
        /**
         * Who starts planes: {@code local} (the reference plane as a child process), {@code docker} (a container per
         * user through camel-docker, gateway.plane.docker.*), {@code none} (planes dial in themselves);
         * {@code firecracker} is reserved by the schema and refused at startup.
         */
        @DefaultValue("local") String launcher,
        /** A stopped plane gets this long to exit (SIGTERM / docker stop) before it is killed. */
        @DefaultValue("5s") Duration stopTimeout,
        /** How often launched planes are polled (docker: inspected), the safety net under exit notifications. */
        @DefaultValue("10s") Duration pollInterval,
        /** Crash loop: a user's plane that crashed this many times within crash-loop-window ... */
        @DefaultValue("3") int crashLoopCrashes,
        @DefaultValue("5m") Duration crashLoopWindow,
        /** ... is not started again until this long after its last crash (the messages meanwhile get vm_unavailable). */
        @DefaultValue("1m") Duration crashLoopBackoff,
        /** Command of the local launcher; the gateway appends --mode=ws --gateway-url --token --vm-id --data-dir --llm-base-url. */
        @DefaultValue({"java", "-Xmx128m", "-jar", "src/runtime/target/reference-runtime-exec.jar"}) List<String> localCommand,
        /** Where launched planes keep their state (one folder per vm_id); empty = {java.io.tmpdir}/chatgw-planes. */
        String dataRoot,
        /** get_skill_files serves files under {skillsDir}/{skill}/. */
        @DefaultValue("config/skills") String skillsDir,
        /** JSON-RPC endpoint of the MCP server for mcp_call; empty = not configured. */
        String mcpUrl,
        @DefaultValue("5s") Duration mcpTimeout,
        /** A plane's turn fails with upstream_timeout without a first event / without any event for this long. */
        @DefaultValue("30s") Duration firstEventTimeout,
        @DefaultValue("60s") Duration idleTimeout,
        /** An admitted connection that has not said hello this long after its upgrade is closed 1008. */
        @DefaultValue("10s") Duration helloTimeout,
        /**
         * A /ws/vm connection that sends nothing for this long is closed (a live plane answers every heartbeat ping,
         * so keep it well above heartbeat-interval); before its upgrade upgrade-header-timeout cuts it sooner.
         */
        @DefaultValue("60s") Duration socketIdleTimeout,
        /**
         * A /ws/vm connection must have sent its upgrade request (request line and headers) and been upgraded this
         * long after it was accepted, however slowly it trickles; otherwise it gets 408 upgrade_timeout and is closed.
         */
        @DefaultValue("10s") Duration upgradeHeaderTimeout,
        /** A launched plane with nothing to do (no turn in flight, no frame but pongs) this long is paused; 0 = never. */
        @DefaultValue("10m") Duration idlePause,
        /** ... and this long is stopped and removed (its data stays); 0 = never. */
        @DefaultValue("2h") Duration idleStop,
        /** How often idle planes are looked for: they are paused / stopped at most this late. */
        @DefaultValue("30s") Duration idleCheckInterval,
        /**
         * A plane's socket closed with turns that have no event yet: they wait this long for its launcher to report a
         * crash (then a replacement resumes them) before they fail and fall back.
         */
        @DefaultValue("1s") Duration crashDetectWait) {

    public PlaneProperties {
        if (port < 1 || port > 65535) {
            // the launcher tells planes where to dial before any plane connected: the port must be known up front
            throw new IllegalArgumentException("gateway.plane.port must be a fixed port (1-65535), was " + port);
        }
        if (!idleStop.isZero() && !idlePause.isZero() && idleStop.compareTo(idlePause) <= 0) {
            throw new IllegalArgumentException("gateway.plane.idle-stop (" + idleStop + ") must be longer than idle-pause ("
                    + idlePause + "), or 0");
        }
        if (idleCheckInterval.isZero() || idleCheckInterval.isNegative()) {
            throw new IllegalArgumentException("gateway.plane.idle-check-interval must be positive, was " + idleCheckInterval);
        }
        if (upgradeHeaderTimeout.isZero() || upgradeHeaderTimeout.isNegative()) {
            throw new IllegalArgumentException("gateway.plane.upgrade-header-timeout must be positive, was " + upgradeHeaderTimeout);
        }
        if (maxSocketFrameBytes < maxFrameBytes) {
            throw new IllegalArgumentException("gateway.plane.max-socket-frame-bytes (" + maxSocketFrameBytes
                    + ") must be at least max-frame-bytes (" + maxFrameBytes + ")");
        }
    }

    /** The URL planes are told to dial. */
    public String publicUrlOrDefault() {
        return publicUrl == null || publicUrl.isBlank() ? "ws://127.0.0.1:" + port + path : publicUrl;
    }

    public String dataRootOrDefault() {
        return dataRoot == null || dataRoot.isBlank()
                ? java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "chatgw-planes").toString() : dataRoot;
    }
}

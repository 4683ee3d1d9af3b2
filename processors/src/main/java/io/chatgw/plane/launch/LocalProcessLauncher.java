package io.chatgw.plane.launch;

import io.chatgw.plane.PlaneProperties;
import io.chatgw.plane.socket.VmTokens;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code gateway.plane.launcher=local}: the reference plane as a child process of the gateway, one per user,
 * with its state under {@code gateway.plane.data-root}/{vm_id} (kept across restarts of the plane, so it
 * resumes). Children are stopped with the gateway.
 */
public class LocalProcessLauncher implements PlaneLauncher {

    private static final Logger log = LoggerFactory.getLogger(LocalProcessLauncher.class);

    private final PlaneProperties config;
    private final VmTokens tokens;
    private final PlaneInstances instances;
    private final Supplier<String> gatewayUrl;
    private final String llmBaseUrl;
    private final Map<String, Process> children = new ConcurrentHashMap<>();

    public LocalProcessLauncher(PlaneProperties config, VmTokens tokens, PlaneInstances instances,
                                Supplier<String> gatewayUrl, String llmBaseUrl) {
        this.config = config;
        this.tokens = tokens;
        this.instances = instances;
        this.gatewayUrl = gatewayUrl;
        this.llmBaseUrl = llmBaseUrl;
    }

    /** The same vm_id for a user every time, so a restarted plane resumes the previous one's state. */
    public static String vmIdOf(String userId) {
        return "vm-" + userId;
    }

    @Override
    public synchronized void ensureRunning(String userId, String orgId) {
        Process running = children.get(userId);
        if (running != null && running.isAlive()) {
            return;
        }
        String vmId = vmIdOf(userId);
        Path dataDir = Path.of(config.dataRootOrDefault(), vmId);
        List<String> command = new ArrayList<>(config.localCommand());
        command.add("--mode=ws");
        command.add("--gateway-url=" + gatewayUrl.get());
        command.add("--vm-id=" + vmId);
        command.add("--data-dir=" + dataDir);
        command.add("--llm-base-url=" + llmBaseUrl);
        command.add("--parent-pid=" + ProcessHandle.current().pid()); // the plane exits if the gateway dies
        try {
            Files.createDirectories(dataDir);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(dataDir.toFile(), "plane.log")));
            // the token goes through the environment, not the command line (visible in ps)
            builder.environment().put("GATEWAY_VM_TOKEN", tokens.issue(userId, orgId, vmId));
            Process process = builder.start();
            children.put(userId, process);
            instances.live(userId, orgId, vmId, "local", "starting");
            log.info("started local execution plane {} for user {} (pid {}, log {}/plane.log)", vmId, userId, process.pid(), dataDir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void stop(String userId, String vmId) {
        if (!vmIdOf(userId).equals(vmId)) {
            return; // not a plane this launcher starts
        }
        Process process = children.remove(userId);
        if (process != null) {
            log.info("stopping local execution plane {} (pid {})", vmId, process.pid());
            process.destroy();
        }
    }

    @Override
    public boolean isRunning(String userId) {
        Process process = children.get(userId);
        return process != null && process.isAlive();
    }

    /** Stops every child (the gateway is shutting down). */
    public void stopAll() {
        children.keySet().forEach(userId -> stop(userId, vmIdOf(userId)));
    }
}

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
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code gateway.plane.launcher=local}: the reference plane as a child process of the gateway, one per user,
 * with its state under {@code gateway.plane.data-root}/{vm_id} (its {@code disk_id}, kept across restarts of the
 * plane, so a replacement resumes). A child that exits without being asked to is reported to {@link LaunchedPlanes}.
 * Children are stopped with the gateway.
 */
public class LocalProcessLauncher implements PlaneLauncher {

    private static final Logger log = LoggerFactory.getLogger(LocalProcessLauncher.class);

    private final PlaneProperties config;
    private final VmTokens tokens;
    private final PlaneInstances instances;
    private final LaunchedPlanes launched;
    private final Supplier<String> gatewayUrl;
    private final String llmBaseUrl;
    private final Map<String, Process> children = new ConcurrentHashMap<>();
    /** Processes the gateway is stopping: their exit is no crash. */
    private final java.util.Set<Process> stopping = ConcurrentHashMap.newKeySet();

    public LocalProcessLauncher(PlaneProperties config, VmTokens tokens, PlaneInstances instances, LaunchedPlanes launched,
                                Supplier<String> gatewayUrl, String llmBaseUrl) {
        this.config = config;
        this.tokens = tokens;
        this.instances = instances;
        this.launched = launched;
        this.gatewayUrl = gatewayUrl;
        this.llmBaseUrl = llmBaseUrl;
    }

    @Override
    public String mode() {
        return "local";
    }

    @Override
    public synchronized void start(String userId, String orgId) {
        Process running = children.get(userId);
        if (running != null && running.isAlive()) {
            return;
        }
        String vmId = VmTokens.vmIdOf(userId);
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
            // the row first: the plane is admitted by it (and may dial in before this method returns)
            instances.starting(userId, orgId, new PlaneInstance(vmId, mode(), dataDir.toString(), "127.0.0.1",
                    Map.of("command", command.get(0))));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(dataDir.toFile(), "plane.log")));
            // the token goes through the environment, not the command line (visible in ps)
            builder.environment().put("GATEWAY_VM_TOKEN", tokens.issue(userId, orgId, vmId));
            Process process = builder.start();
            children.put(userId, process);
            launched.started(userId, vmId);
            process.onExit().thenAccept(p -> {
                children.remove(userId, p);
                if (!stopping.remove(p)) {
                    launched.exited(userId, vmId, "exited", "the plane process exited with status " + p.exitValue());
                }
            });
            log.info("started local execution plane {} for user {} (pid {}, log {}/plane.log)", vmId, userId, process.pid(), dataDir);
        } catch (IOException e) {
            instances.terminated(vmId, "cannot start: " + e.getMessage());
            throw new IllegalStateException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void stop(String userId, String vmId, String reason) {
        if (!VmTokens.vmIdOf(userId).equals(vmId)) {
            return; // not a plane this launcher starts
        }
        Process process = children.remove(userId);
        if (process != null) {
            log.info("stopping local execution plane {} (pid {}): {}", vmId, process.pid(), reason);
            launched.removed(LaunchedPlanes.removalReason(reason));
            stopping.add(process);
            process.destroy(); // SIGTERM; SIGKILL if it is still there after the stop timeout (never waited for here)
            process.onExit().completeOnTimeout(process, config.stopTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .thenAccept(p -> {
                        if (p.isAlive()) {
                            p.destroyForcibly();
                        }
                    });
        }
    }

    @Override
    public java.util.Collection<String> planes() {
        return children.keySet().stream().map(VmTokens::vmIdOf).toList();
    }

    @Override
    public PlaneStatus poll(String userId) {
        Process process = children.get(userId);
        if (process == null) {
            return PlaneStatus.NONE;
        }
        return process.isAlive() ? PlaneStatus.RUNNING : PlaneStatus.exited(process.exitValue(), "exited");
    }

    /** The user's child process, if any (for tests and the crash test's kill -9). */
    public Process processOf(String userId) {
        return children.get(userId);
    }

    @Override
    public void shutdown() {
        children.keySet().forEach(userId -> stop(userId, VmTokens.vmIdOf(userId), "the gateway is stopping"));
    }
}

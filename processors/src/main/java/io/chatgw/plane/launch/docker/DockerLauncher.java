package io.chatgw.plane.launch.docker;

import io.chatgw.plane.PlaneProperties;
import io.chatgw.plane.launch.LaunchedPlanes;
import io.chatgw.plane.launch.PlaneInstance;
import io.chatgw.plane.launch.PlaneInstances;
import io.chatgw.plane.launch.PlaneLauncher;
import io.chatgw.plane.launch.PlaneStatus;
import io.chatgw.plane.socket.VmTokens;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code gateway.plane.launcher=docker}: one container per user, through the camel-docker routes of
 * routes/plane-lifecycle.yaml. A start creates a fresh container from the configured image and env (an old one of
 * the same name is removed first, never restarted), with the user's named volume at the plane's data dir; concurrent
 * starts for one user start one container (single-flight here, and the one-live-row-per-user index). Exits come from
 * the engine's event stream ({@code docker:events}) with a periodic inspect as the safety net; a stop removes the
 * container and keeps the volume. Containers outlive the gateway: on start it adopts its deployment's running ones
 * and removes the rest.
 */
public class DockerLauncher implements PlaneLauncher {

    private static final Logger log = LoggerFactory.getLogger(DockerLauncher.class);

    /** A container this launcher started or adopted. */
    record Started(String userId, String orgId, String vmId, String containerId) {
    }

    private final DockerLauncherProperties docker;
    private final PlaneProperties config;
    private final VmTokens tokens;
    private final PlaneInstances instances;
    private final LaunchedPlanes launched;
    private final ProducerTemplate routes;
    private final String gatewayUrl;
    private final String llmBaseUrl;
    private final Map<String, Started> byUser = new ConcurrentHashMap<>();
    private final Map<String, Object> starting = new ConcurrentHashMap<>();
    /** Containers the gateway is stopping: their exit is no crash. */
    private final java.util.Set<String> stopping = ConcurrentHashMap.newKeySet();
    /** Containers the engine reported out of memory: their exit's cause. */
    private final java.util.Set<String> oomKilled = ConcurrentHashMap.newKeySet();
    /**
     * Exits of this deployment's containers that no known plane matched, kept {@link #EARLY_EXIT_KEPT}: a plane that
     * dies before its start call returns (a crash at start) is reported before the launcher knows its id. Guarded by
     * itself, with the check of {@link #byUser}, so an exit is matched either at once or when the id becomes known.
     */
    private final Map<String, EarlyExit> earlyExits = new LinkedHashMap<>();
    private static final long EARLY_EXIT_KEPT = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);

    private record EarlyExit(Integer exitCode, String how, long atNanos) {
    }


    public DockerLauncher(DockerLauncherProperties docker, PlaneProperties config, VmTokens tokens, PlaneInstances instances,
                          LaunchedPlanes launched, ProducerTemplate routes, String gatewayUrl, String llmBaseUrl) {
        this.docker = docker;
        this.config = config;
        this.tokens = tokens;
        this.instances = instances;
        this.launched = launched;
        this.routes = routes;
        this.gatewayUrl = docker.gatewayUrl() == null || docker.gatewayUrl().isBlank() ? gatewayUrl : docker.gatewayUrl();
        this.llmBaseUrl = docker.llmBaseUrl() == null || docker.llmBaseUrl().isBlank() ? llmBaseUrl : docker.llmBaseUrl();
        this.pool = new WarmPool(docker.warmPoolSize(), (int) Math.max(1, config.stopTimeout().toSeconds()),
                config.startTimeout(), docker.deployment(), this::poolMemberOf, routes, launched::claimed,
                docker.warmPoolRefillDelay());
    }

    private final WarmPool pool;
    private static final com.fasterxml.jackson.databind.ObjectMapper CLAIM_JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * The gateway stops: its users' containers outlive it (adopted at the next start); the pool's refill ends and its
     * unclaimed members go, including one whose start was in progress (WarmPool#close).
     */
    public void closePool() {
        pool.close();
    }

    /** An unclaimed warm-pool container found at start (an earlier gateway's): removed with its volume. */
    void removeUnclaimed(String containerId, String name) {
        stopping.add(containerId);
        remove(containerId, "orphan");
        routes.sendBody("direct:plane-volume-remove", name + "-data");
    }

    /** Fills the warm pool (after adoption at start; again from the poll, should a refill have failed). */
    void refillPool() {
        pool.refill();
    }

    @Override
    public String mode() {
        return "docker";
    }

    @Override
    public void start(String userId, String orgId) {
        if (byUser.containsKey(userId)) {
            return; // starting or running: its hello is awaited
        }
        Object mine = new Object();
        if (starting.putIfAbsent(userId, mine) != null) {
            return; // another message of this user is starting it
        }
        String vmId = VmTokens.vmIdOf(userId);
        try {
            if (byUser.containsKey(userId)) {
                return;
            }
            String disk = instances.lastDisk(userId, mode());
            WarmPool.Member member = disk == null ? pool.claim() : null; // the pool serves users with no data yet
            if (member != null && claimed(userId, orgId, vmId, member)) {
                return;
            }
            PlaneContainer container = containerOf(userId, orgId, vmId, disk);
            instances.starting(userId, orgId, new PlaneInstance(vmId, mode(), container.volume(), null, Map.of(
                    "image", container.image(), "container", container.name(), "memory_bytes", container.memoryBytes(),
                    "nano_cpus", container.nanoCpus(), "network_mode", container.networkMode())));
            String id = routes.requestBody("direct:plane-container-start", container, String.class);
            launched.started(userId, vmId); // first: an exit reported from now on counts as this start's
            EarlyExit early = track(new Started(userId, orgId, vmId, id));
            log.info("started plane container {} ({}) for user {} from {}", container.name(), shortId(id), userId, container.image());
            if (early != null) {
                exited(id, early.exitCode(), early.how()); // it died before the start call returned
            }
        } catch (RuntimeException e) {
            String reason = "cannot start a plane container: " + rootMessage(e);
            launched.failed(userId, vmId, reason);
            throw new IllegalStateException(reason, e);
        } finally {
            starting.remove(userId, mine);
        }
    }

    /**
     * A new user's plane from the warm pool: the row first (its disk_id is the member's volume, the user's from now
     * on), then the claim (ClaimPoolContainer). @return false if the claim failed (the member is removed; a cold start
     * follows)
     */
    private boolean claimed(String userId, String orgId, String vmId, WarmPool.Member member) {
        String name = PlaneContainer.nameOf(docker.deployment(), userId);
        try {
            instances.starting(userId, orgId, new PlaneInstance(vmId, mode(), member.volume(), null, Map.of(
                    "image", docker.image(), "container", name, "warm_pool", true, "memory_bytes", docker.memory().toBytes(),
                    "nano_cpus", Math.round(docker.cpus() * 1e9), "network_mode", docker.networkMode())));
            String claim = CLAIM_JSON.writeValueAsString(Map.of("vm_id", vmId, "token", tokens.issue(userId, orgId, vmId),
                    "gateway_url", gatewayUrl));
            launched.started(userId, vmId, true);
            EarlyExit early = track(new Started(userId, orgId, vmId, member.containerId()));
            if (early != null) {
                exited(member.containerId(), early.exitCode(), early.how()); // the member died before its claim
            }
            routes.sendBody("direct:plane-container-claim",
                    new ClaimPoolContainer.Claim(member.containerId(), name, docker.dataDir(), claim));
            log.info("claimed warm plane container {} for user {} as {}", member.name(), userId, name);
            return true;
        } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
            log.warn("could not claim warm container {} for user {}: {}; starting one", member.name(), userId, rootMessage(e));
            byUser.remove(userId);
            stopping.add(member.containerId());
            remove(member.containerId(), "stopped");
            return false;
        }
    }

    @Override
    public void stop(String userId, String vmId, String reason) {
        Started started = byUser.get(userId);
        if (started == null || !started.vmId().equals(vmId) || !byUser.remove(userId, started)) {
            return;
        }
        stopping.add(started.containerId());
        log.info("stopping plane container {} of user {}: {}", shortId(started.containerId()), userId, reason);
        try {
            remove(started.containerId(), LaunchedPlanes.removalReason(reason));
        } catch (RuntimeException e) {
            log.warn("could not remove plane container {}: {}", shortId(started.containerId()), rootMessage(e));
        }
    }

    @Override
    public boolean pause(String userId, String vmId) {
        Started started = byUser.get(userId);
        if (started == null || !started.vmId().equals(vmId)) {
            return false;
        }
        try {
            routes.sendBody("direct:plane-container-pause", started.containerId());
            return true;
        } catch (RuntimeException e) {
            log.warn("could not pause plane container {}: {}", shortId(started.containerId()), rootMessage(e));
            return false;
        }
    }

    @Override
    public void unpause(String userId, String vmId) {
        Started started = byUser.get(userId);
        if (started == null || !started.vmId().equals(vmId)) {
            throw new IllegalStateException("no container of this plane");
        }
        routes.sendBody("direct:plane-container-unpause", started.containerId());
    }

    @Override
    public java.util.Collection<String> planes() {
        return byUser.values().stream().map(Started::vmId).toList();
    }

    @Override
    public int warmPoolSize() {
        return pool.size();
    }

    @Override
    public PlaneStatus poll(String userId) {
        Started started = byUser.get(userId);
        if (started == null) {
            return PlaneStatus.NONE;
        }
        return routes.requestBody("direct:plane-container-poll", started.containerId(), PlaneStatus.class);
    }

    /** The containers this launcher knows (started or adopted). */
    Collection<Started> started() {
        return new ArrayList<>(byUser.values());
    }

    /** A container of this deployment that runs (found at the gateway's start): it is the user's plane again. */
    boolean adopt(String userId, String orgId, String vmId, String containerId) {
        Started known = byUser.putIfAbsent(userId, new Started(userId, orgId, vmId, containerId));
        if (known != null) {
            return known.containerId().equals(containerId); // already the user's plane; never two containers for one user
        }
        launched.started(userId, vmId); // it reconnects by itself; no hello by the start timeout and it is removed
        return true;
    }

    /** The engine said the container ran out of memory (its exit follows). */
    void outOfMemory(String containerId) {
        oomKilled.add(containerId);
    }

    /** The engine (or an inspect) says the container stopped: a crash unless the gateway stopped it. */
    void exited(String containerId, Integer exitCode, String how) {
        pool.exited(containerId);
        if (stopping.remove(containerId)) {
            oomKilled.remove(containerId);
            return;
        }
        Started s;
        synchronized (earlyExits) {
            s = byUser.values().stream().filter(k -> k.containerId().equals(containerId)).findFirst().orElse(null);
            if (s == null) {
                long now = System.nanoTime();
                earlyExits.values().removeIf(e -> now - e.atNanos() > EARLY_EXIT_KEPT);
                earlyExits.put(containerId, new EarlyExit(exitCode, how, now));
                return;
            }
        }
        if (byUser.remove(s.userId(), s)) {
            String cause = oomKilled.remove(containerId) ? "oom" : how;
            launched.exited(s.userId(), s.vmId(), cause, "container " + shortId(containerId) + " exited with code " + exitCode);
            remove(containerId, "crashed"); // the volume stays
        }
    }

    /** The user's plane is this container from now on. @return its exit, if the engine reported it already */
    private EarlyExit track(Started started) {
        synchronized (earlyExits) {
            byUser.put(started.userId(), started);
            return earlyExits.remove(started.containerId());
        }
    }

    /** Stops (the stop timeout, then killed) and removes a container; its volume stays. @param reason a removal reason */
    void remove(String containerId, String reason) {
        routes.sendBodyAndHeader("direct:plane-container-remove", containerId, "CamelDockerTimeout",
                (int) Math.max(1, config.stopTimeout().toSeconds()));
        launched.removed(reason);
    }

    /** The name prefix of this deployment's containers and volumes, for the retained-volume listing. */
    public String volumePrefix() {
        return "chatgw-" + PlaneContainer.safe(docker.deployment()) + "-";
    }

    /** A warm-pool member: no user, no token; it waits for its claim file in its data dir (its own fresh volume). */
    private PlaneContainer poolMemberOf(String name) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PlaneContainer.LABEL_DEPLOYMENT, docker.deployment());
        labels.put(PlaneContainer.LABEL_POOL, "true");
        List<String> env = List.of("GATEWAY_URL=" + gatewayUrl, "PLANE_DATA_DIR=" + docker.dataDir(),
                "PLANE_LLM_BASE_URL=" + llmBaseUrl, "PLANE_CLAIM_FILE=" + docker.dataDir() + "/" + ClaimPoolContainer.FILE);
        return container(name, name + "-data", labels, env);
    }

    private PlaneContainer containerOf(String userId, String orgId, String vmId, String disk) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PlaneContainer.LABEL_DEPLOYMENT, docker.deployment());
        labels.put(PlaneContainer.LABEL_USER, userId);
        labels.put(PlaneContainer.LABEL_ORG, orgId);
        labels.put(PlaneContainer.LABEL_VM, vmId);
        List<String> env = List.of(
                "GATEWAY_URL=" + gatewayUrl,
                "GATEWAY_VM_TOKEN=" + tokens.issue(userId, orgId, vmId),
                "PLANE_USER_ID=" + userId,
                "PLANE_VM_ID=" + vmId,
                "PLANE_DATA_DIR=" + docker.dataDir(),
                "PLANE_LLM_BASE_URL=" + llmBaseUrl);
        // the user's volume: the disk of their last container (a claimed pool member's, say), else named after them
        String volume = disk != null ? disk : PlaneContainer.volumeOf(docker.deployment(), userId);
        return container(PlaneContainer.nameOf(docker.deployment(), userId), volume, labels, env);
    }

    private PlaneContainer container(String name, String volume, Map<String, String> labels, List<String> env) {
        List<String> binds = new ArrayList<>();
        binds.add(volume + ":" + docker.dataDir());
        binds.addAll(docker.bindsOrNone());
        return new PlaneContainer(name, volume, docker.image(), labels, env, binds, docker.commandOrImage(),
                docker.memory().toBytes(), Math.round(docker.cpus() * 1e9), docker.networkMode());
    }

    static String shortId(String id) {
        return id == null ? "?" : id.length() > 12 ? id.substring(0, 12) : id;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}

package io.chatgw.monitor;

import io.chatgw.auth.CallerDirectory;
import io.chatgw.core.ExecutionMode;
import io.chatgw.resilience.FallbackTargets;
import io.chatgw.routing.AutoFallbackState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime monitor (docs/resilience.md): records every path execution per org and globally over a sliding
 * window, trips an automatic fallback when a window breaches the trip limits, and answers the router from memory.
 * The tripped state lives in PostgreSQL ({@link FallbackStore}); a trip is in force on this instance at once, stored
 * off the recording thread, and seen by the other instances through NOTIFY (and polling). One thread
 * ({@code runtime-monitor-sync}) does every database write and reload, so state changes apply in order.
 */
public class RuntimeMonitor implements AutoFallbackState {

    private static final Logger log = LoggerFactory.getLogger(RuntimeMonitor.class);

    /** A trip in force here, with the probes it collects while half-open. */
    static final class ActiveTrip {
        final Trip trip;
        final PathWindow probes;
        final AtomicBoolean deciding = new AtomicBoolean();

        ActiveTrip(Trip trip, int probeCalls) {
            this.trip = trip;
            this.probes = PathWindow.countBased(probeCalls);
        }
    }

    private final MonitorProperties config;
    private final Map<ExecutionMode, Duration> firstEventTimeouts;
    private final FallbackTargets targets;
    private final FallbackStore store;
    private final MonitorMeters meters;
    private final MonitorClock clock;
    private final String instanceId;
    private final TripRules.Limits tripLimits;
    private final TripRules.Limits restoreLimits;
    private final Map<Trip.Key, PathWindow> windows = new ConcurrentHashMap<>();
    private final Map<Trip.Key, ActiveTrip> trips = new ConcurrentHashMap<>();
    /** Tripped here, not stored yet: kept in force across reloads until the write is done. */
    private final Map<Trip.Key, Trip> pending = new ConcurrentHashMap<>();
    private final ExecutorService sync;
    private final FallbackChangeListener listener;
    private volatile long loadedVersion = -1;

    public RuntimeMonitor(MonitorProperties config, Map<ExecutionMode, Duration> firstEventTimeouts,
                          FallbackTargets targets, FallbackStore store, ListenConnections connections,
                          MonitorMeters meters, MonitorClock clock, String instanceId) {
        this.config = config;
        this.firstEventTimeouts = Map.copyOf(firstEventTimeouts);
        this.targets = targets;
        this.store = store;
        this.meters = meters;
        this.clock = clock;
        this.instanceId = instanceId;
        this.tripLimits = new TripRules.Limits(config.trip().errorRate(), config.trip().timeoutRate(),
                config.trip().latencyRatio());
        this.restoreLimits = new TripRules.Limits(config.restore().errorRate(), config.restore().timeoutRate(),
                config.restore().latencyRatio());
        this.sync = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "runtime-monitor-sync");
            t.setDaemon(true);
            return t;
        });
        this.listener = new FallbackChangeListener(connections, this::onNotified, this::onPoll,
                config.pollInterval(), config.reconnectDelay());
    }

    /** Loads the tripped state and starts listening for changes. */
    public void start() {
        if (config.enabled()) {
            reloadNow();
            listener.start("runtime-monitor-listen");
        }
    }

    public void stop() {
        listener.stop();
        sync.shutdown();
        try {
            sync.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** This instance's name in trips ({@code tripped_by}) and in the endpoints. */
    public String instanceId() {
        return instanceId;
    }

    /** How a failed turn counts: {@code null} code = completed. Empty = not the path's fault, not recorded. */
    public Optional<PathExecution.Result> classify(String errorCode) {
        if (errorCode == null) {
            return Optional.of(PathExecution.Result.SUCCESS);
        }
        if (config.uncountedCodes().contains(errorCode)) {
            return Optional.empty();
        }
        return Optional.of(config.timeoutCodes().contains(errorCode) ? PathExecution.Result.TIMEOUT
                : PathExecution.Result.ERROR);
    }

    /** Records one execution in its org's window and the global one; may trip (stored off this thread). */
    public void record(PathExecution e) {
        if (!config.enabled() || e == null) {
            return;
        }
        if (validOrg(e.orgId())) {
            observe(new Trip.Key(e.orgId(), e.path()), e, config.minCalls());
        }
        observe(Trip.Key.global(e.path()), e, config.globalMinCalls());
    }

    @Override
    public Optional<AutoFallback> activeFor(String orgId, ExecutionMode path) {
        if (!config.enabled() || trips.isEmpty() || path == null) {
            return Optional.empty();
        }
        Optional<ExecutionMode> to = targets.of(path);
        if (to.isEmpty()) {
            return Optional.empty();
        }
        for (Trip.Key key : validOrg(orgId) ? List.of(new Trip.Key(orgId, path), Trip.Key.global(path))
                : List.of(Trip.Key.global(path))) {
            ActiveTrip active = trips.get(key);
            if (active == null) {
                continue;
            }
            if (halfOpen(active) && ThreadLocalRandom.current().nextDouble() < config.halfOpen().probeShare()) {
                continue; // a probe: this request goes to the path itself
            }
            return Optional.of(new AutoFallback(path, to.get(), active.trip.threshold(), active.trip.scope()));
        }
        return Optional.empty();
    }

    /** Ends the trips of {@code orgId} ({@code null} = the global ones), of {@code path} or every path. */
    public List<Trip> reset(String orgId, Optional<ExecutionMode> path, String actor, String actorOrg) {
        List<Trip> ended = store.reset(orgId == null ? "" : orgId, path, actor, actorOrg);
        for (Trip t : ended) {
            meters.changed("reset", t);
            log.info("auto fallback reset: {} (threshold {}, since {}) by {}", t.key().describe(), t.threshold(),
                    t.since(), actor);
        }
        reloadNow();
        return ended;
    }

    /** The trips in force here (stored ones, and ones tripped here a moment ago), with whether each is half-open. */
    public List<Map.Entry<Trip, Boolean>> trips() {
        List<Map.Entry<Trip, Boolean>> list = new ArrayList<>();
        trips.values().forEach(a -> list.add(Map.entry(a.trip, halfOpen(a))));
        list.sort((a, b) -> a.getKey().key().describe().compareTo(b.getKey().key().describe()));
        return list;
    }

    /** The fallback target of {@code path}, or {@code null}. */
    public String fallbackTarget(ExecutionMode path) {
        return targets.of(path).map(ExecutionMode::wire).orElse(null);
    }

    /** This instance's window of {@code orgId}'s ({@code null} = every org's) traffic on {@code path}. */
    public Optional<WindowFigures> figures(String orgId, ExecutionMode path) {
        PathWindow w = windows.get(orgId == null ? Trip.Key.global(path) : new Trip.Key(orgId, path));
        return Optional.ofNullable(w).map(PathWindow::figures);
    }

    public Duration window() {
        return config.window();
    }

    /** Whether this instance is listening for other instances' changes (else it only polls). */
    public boolean listening() {
        return listener.listening();
    }

    public long loadedVersion() {
        return loadedVersion;
    }

    /** Reloads the state from PostgreSQL on the sync thread and waits for it. */
    public void reloadNow() {
        try {
            sync.submit(() -> reload(true)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("runtime monitor: reload failed: {}", e.toString());
        }
    }

    private void observe(Trip.Key key, PathExecution e, int minCalls) {
        WindowFigures figures = windows.computeIfAbsent(key, k -> PathWindow.timeBased(config.window(), clock, k.isGlobal()))
                .record(e);
        ActiveTrip active = trips.get(key);
        if (active != null) {
            if (halfOpen(active)) {
                probe(active, e);
            }
            return;
        }
        TripRules.breach(figures, minCalls, tripLimits, firstEventTimeouts.get(key.path()))
                .ifPresent(breach -> trip(key, breach));
    }

    private void trip(Trip.Key key, TripRules.Breach breach) {
        Trip trip = new Trip(0, key.scope(), key.orgId(), key.path(), breach.threshold(), clock.now(), instanceId,
                breach.toJson());
        if (pending.putIfAbsent(key, trip) != null) {
            return;
        }
        if (trips.putIfAbsent(key, new ActiveTrip(trip, config.halfOpen().probeCalls())) != null) {
            pending.remove(key);
            return;
        }
        meters.active(key, trips::containsKey);
        sync.execute(() -> persist(trip));
    }

    private void persist(Trip trip) {
        try {
            if (store.insert(trip)) {
                meters.changed("trip", trip);
                log.warn("auto fallback TRIPPED: {} -> {} on {} ({} {} > {}; {} calls in the window)",
                        trip.key().describe(), Optional.ofNullable(fallbackTarget(trip.path())).orElse("none"),
                        instanceId, trip.threshold(),
                        trip.figures().get("value"), trip.figures().get("limit"), callsOf(trip));
            }
            reload(true);
        } catch (RuntimeException e) {
            log.error("runtime monitor: could not store the trip of {} ({}); it is dropped and trips again on the"
                    + " next breach", trip.key().describe(), e.toString());
        } finally {
            pending.remove(trip.key());
        }
    }

    private boolean halfOpen(ActiveTrip active) {
        Duration coolDown = config.halfOpen().coolDown();
        return !coolDown.isZero() && active.trip.id() != 0
                && !clock.now().isBefore(active.trip.since().plus(coolDown));
    }

    private void probe(ActiveTrip active, PathExecution e) {
        WindowFigures probes = active.probes.record(e);
        if (probes.calls() >= config.halfOpen().probeCalls() && active.deciding.compareAndSet(false, true)) {
            sync.execute(() -> decide(active, probes));
        }
    }

    private void decide(ActiveTrip active, WindowFigures probes) {
        Trip trip = active.trip;
        try {
            Optional<TripRules.Breach> failed = TripRules.breach(probes, 1, restoreLimits,
                    firstEventTimeouts.get(trip.path()));
            if (failed.isEmpty()) {
                if (store.restore(trip, probes)) {
                    meters.changed("restore", trip);
                    log.info("auto fallback restored: {} after {} successful probes", trip.key().describe(), probes.calls());
                }
            } else if (store.retrip(trip, clock.now(), failed.get().threshold(), failed.get().toJson())) {
                meters.changed("retrip", trip);
                log.warn("auto fallback probes failed: {} tripped again ({} {})", trip.key().describe(),
                        failed.get().threshold(), failed.get().value());
            }
            reload(true);
        } catch (RuntimeException e) {
            log.warn("runtime monitor: deciding the probes of {} failed: {}", trip.key().describe(), e.toString());
            active.deciding.set(false);
        }
    }

    private void onNotified(long version) {
        if (version > loadedVersion) {
            sync.execute(() -> reload(false));
        }
    }

    private void onPoll() {
        sync.execute(() -> {
            reload(false);
            windows.entrySet().removeIf(w -> !w.getKey().isGlobal() && !trips.containsKey(w.getKey())
                    && w.getValue().isEmpty());
        });
    }

    /** Applies the stored state: new trips come into force, ended ones (not pending here) end and their window restarts. */
    private void reload(boolean force) {
        try {
            if (!force && store.version() == loadedVersion) {
                return;
            }
            FallbackStore.State state = store.load();
            Map<Trip.Key, Trip> stored = new ConcurrentHashMap<>();
            state.trips().forEach(t -> stored.put(t.key(), t));
            stored.forEach((key, trip) -> {
                ActiveTrip current = trips.get(key);
                if (current == null || !current.trip.equals(trip)) {
                    trips.put(key, new ActiveTrip(trip, config.halfOpen().probeCalls()));
                    meters.active(key, trips::containsKey);
                    if (current == null || current.trip.id() == 0 && !trip.trippedBy().equals(instanceId)) {
                        log.info("auto fallback in force: {} -> {} ({}, tripped by {} at {})", key.describe(),
                                fallbackTarget(key.path()), trip.threshold(), trip.trippedBy(), trip.since());
                    }
                }
            });
            for (Trip.Key key : List.copyOf(trips.keySet())) {
                if (!stored.containsKey(key) && !pending.containsKey(key)) {
                    trips.remove(key);
                    windows.remove(key); // the failures that tripped it must not trip it again at once
                    log.info("auto fallback ended: {}", key.describe());
                }
            }
            loadedVersion = state.version();
        } catch (RuntimeException e) {
            log.warn("runtime monitor: loading the tripped state failed: {}", e.toString());
        }
    }

    private static Object callsOf(Trip trip) {
        return trip.figures().get("window") instanceof Map<?, ?> w ? w.get("calls") : null;
    }

    private static boolean validOrg(String orgId) {
        return orgId != null && CallerDirectory.ID.matcher(orgId).matches();
    }
}

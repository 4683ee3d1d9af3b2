package io.chatgw.plane.methods;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgw.plane.PlaneProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** How plane requests share the request threads: per-plane limit, round robin between planes, bounded queue. */
class FairPlaneRequestsTest {

    /** Runs nothing by itself: the test starts the submitted requests when it wants (a thread each). */
    private static final class HeldThreads extends AbstractExecutorService {
        final List<Runnable> started = new ArrayList<>();

        @Override
        public void execute(Runnable command) {
            started.add(command);
        }

        void finish(int i) {
            started.remove(i).run();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

    private final List<String> ran = new ArrayList<>();
    private final HeldThreads threads = new HeldThreads();

    private FairPlaneRequests requests(int threadCount, int perPlane, int queued) {
        PlaneProperties config = new Binder(new MapConfigurationPropertySource(java.util.Map.of(
                "gateway.plane.max-concurrent-requests", String.valueOf(perPlane),
                "gateway.plane.max-queued-requests", String.valueOf(queued))))
                .bindOrCreate("gateway.plane", Bindable.of(PlaneProperties.class));
        return new FairPlaneRequests(threads, threadCount, config, new SimpleMeterRegistry());
    }

    private Runnable named(String name) {
        return () -> ran.add(name);
    }

    @Test
    void onePlaneRunsAtMostItsShareAndAnotherPlaneGetsAThreadAtOnce() {
        FairPlaneRequests fair = requests(8, 4, 100);
        for (int i = 0; i < 100; i++) {
            assertThat(fair.offer("vm-greedy", named("greedy-" + i))).isTrue();
        }
        assertThat(threads.started).hasSize(4); // its share, not all 8 threads
        assertThat(fair.offer("vm-other", named("other"))).isTrue();
        assertThat(threads.started).hasSize(5);
        threads.finish(4);
        assertThat(ran).containsExactly("other");
        assertThat(fair.waiting()).isEqualTo(96);
    }

    @Test
    void aFreedThreadGoesToThePlanesInTurn() {
        FairPlaneRequests fair = requests(2, 2, 100);
        for (int i = 0; i < 5; i++) {
            fair.offer("vm-a", named("a" + i));
        }
        for (int i = 0; i < 5; i++) {
            fair.offer("vm-b", named("b" + i));
        }
        // a0, a1 hold both threads; from then on each freed thread alternates between the planes waiting
        for (int i = 0; i < 6; i++) {
            threads.finish(0);
        }
        assertThat(ran).containsExactly("a0", "a1", "b0", "a2", "b1", "a3");
    }

    @Test
    void aPlaneWithAFullQueueIsRefusedAndTheOthersAreNot() {
        FairPlaneRequests fair = requests(8, 1, 3);
        assertThat(fair.offer("vm-a", named("running"))).isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(fair.offer("vm-a", named("queued-" + i))).isTrue();
        }
        assertThat(fair.offer("vm-a", named("refused"))).isFalse();
        assertThat(fair.offer("vm-b", named("b"))).isTrue();
        threads.finish(0);
        assertThat(fair.offer("vm-a", named("room again"))).isTrue();
    }
}

package io.chatgw.core;

import io.micrometer.core.instrument.Counter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The last value PostgreSQL gave for a key, served in its place only while PostgreSQL is unreachable
 * (stale-if-error; docs/operations.md "PostgreSQL down"). While PostgreSQL answers, every read goes to it as before
 * and refreshes the entry, so nothing changes for a live database; when a read fails because PostgreSQL cannot be
 * reached ({@link DatabaseUnavailable#isUnreachable}), the entry is served if it is younger than the maximum age,
 * else the failure stands (503 {@code database_unavailable}). At most {@code maxEntries}, least recently used dropped.
 */
public final class LastKnown<K, V> {

    private final int maxEntries;
    private final long maxAgeNanos;
    private final LongSupplier nanoClock;
    private final Counter served;
    private final Map<K, Entry<V>> entries;

    private record Entry<V>(V value, long at) {
    }

    public LastKnown(int maxEntries, long maxAgeNanos, LongSupplier nanoClock, Counter served) {
        if (maxEntries < 0 || maxAgeNanos < 0) {
            throw new IllegalArgumentException("a last-known cache's size and age are not negative");
        }
        this.maxEntries = maxEntries;
        this.maxAgeNanos = maxAgeNanos;
        this.nanoClock = nanoClock;
        this.served = served;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
                return size() > LastKnown.this.maxEntries;
            }
        };
    }

    /**
     * {@code fromDatabase}'s answer (remembered when present, forgotten when empty), or, if PostgreSQL is
     * unreachable, the last one remembered.
     */
    public Optional<V> read(K key, Supplier<Optional<V>> fromDatabase) {
        Optional<V> answer;
        try {
            answer = fromDatabase.get();
        } catch (RuntimeException e) {
            V known = DatabaseUnavailable.isUnreachable(e) ? fresh(key) : null;
            if (known == null) {
                throw e;
            }
            served.increment();
            return Optional.of(known);
        }
        if (answer.isPresent()) {
            put(key, answer.get());
        } else {
            forget(key);
        }
        return answer;
    }

    /** Remembers {@code value} as PostgreSQL's (or as what it will be once a pending write lands). */
    public void put(K key, V value) {
        if (maxEntries == 0) {
            return;
        }
        synchronized (entries) {
            entries.put(key, new Entry<>(value, nanoClock.getAsLong()));
        }
    }

    /** Changes a remembered value (its age stays); nothing if there is none. */
    public void update(K key, UnaryOperator<V> change) {
        synchronized (entries) {
            entries.computeIfPresent(key, (k, e) -> new Entry<>(change.apply(e.value()), e.at()));
        }
    }

    public void forget(K key) {
        synchronized (entries) {
            entries.remove(key);
        }
    }

    /** Forgets every remembered value that {@code test} accepts. */
    public void forgetIf(java.util.function.Predicate<V> test) {
        synchronized (entries) {
            entries.values().removeIf(e -> test.test(e.value()));
        }
    }

    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    private V fresh(K key) {
        synchronized (entries) {
            Entry<V> e = entries.get(key);
            return e != null && nanoClock.getAsLong() - e.at() <= maxAgeNanos ? e.value() : null;
        }
    }
}

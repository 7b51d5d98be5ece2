package io.warden;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Creates Wardens for one test and closes them all afterwards. Several Wardens on one Redis behave
 * like several processes: they share nothing locally. Part of the published contract (see {@link
 * LockContract}).
 */
public final class WardenFixture implements AutoCloseable {
    private final UnaryOperator<Warden.Builder> target;
    private final List<Warden> opened = new ArrayList<>();

    /** Wardens connected to {@code uri}. */
    public WardenFixture(String uri) {
        this(builder -> builder.uri(uri));
    }

    /** Wardens whose builder {@code target} points at Redis (for topologies a URI cannot name). */
    public WardenFixture(UnaryOperator<Warden.Builder> target) {
        this.target = target;
    }

    /** A Warden with test-friendly defaults: 1 s command timeout, 5 s default wait. */
    public Warden open() {
        return open(b -> b);
    }

    /** A Warden with the defaults of {@link #open()}, then {@code configure} applied. */
    public Warden open(UnaryOperator<Warden.Builder> configure) {
        Warden.Builder builder = target.apply(Warden.builder())
                .commandTimeout(Duration.ofSeconds(1))
                .defaultWait(Duration.ofSeconds(5));
        Warden warden = configure.apply(builder).build();
        synchronized (opened) {
            opened.add(warden);
        }
        return warden;
    }

    @Override
    public void close() {
        synchronized (opened) {
            opened.forEach(Warden::close);
            opened.clear();
        }
    }
}

package io.warden.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.warden.Warden;
import io.warden.WardenListener;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Binds one {@link Warden}'s metrics to a Micrometer {@link MeterRegistry}. Works on a Warden already
 * in use: it registers a {@link WardenListener} on it, so a Spring Boot application's existing
 * {@code Warden} bean is metered by declaring this binder as a bean.
 *
 * <pre>{@code
 * WardenMeterBinder binder = new WardenMeterBinder(warden).withLockNameTags();
 * binder.bindTo(registry);
 * // ... at shutdown, before closing the Warden:
 * binder.close();
 * }</pre>
 *
 * <h2>Meters</h2>
 *
 * <table>
 *   <caption>Meters, with the tags each carries besides the binder's own</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>records</th></tr>
 *   <tr><td>{@value #ACQUIRE}</td><td>timer</td><td>{@code outcome}: {@code acquired}, {@code
 *       timeout}, {@code skipped}, {@code error}, {@code cancelled}</td><td>how long each acquisition
 *       waited, by how it ended (re-entrant holds excluded)</td></tr>
 *   <tr><td>{@value #HELD}</td><td>timer</td><td></td><td>how long each lease was held, for
 *       releases Redis confirmed</td></tr>
 *   <tr><td>{@value #LEASES_HELD}</td><td>gauge</td><td></td><td>leases held now through this
 *       Warden (never tagged by lock)</td></tr>
 *   <tr><td>{@value #RENEWALS}</td><td>counter</td><td></td><td>lease renewals the watchdog
 *       sent</td></tr>
 *   <tr><td>{@value #RENEWAL_ROUND_TRIPS}</td><td>counter</td><td></td><td>watchdog ticks that sent
 *       renewals (their calls are pipelined: about one round trip per node); never tagged by
 *       lock</td></tr>
 *   <tr><td>{@value #LEASES_LOST}</td><td>counter</td><td>{@code cause}: a {@link
 *       io.warden.LossCause} in lower case, e.g. {@code key_deleted}</td><td>leases lost</td></tr>
 *   <tr><td>{@value #LEADER_ELECTIONS}</td><td>function counter</td><td></td><td>leader terms this
 *       Warden's candidates won ({@code onElected}); read from the Warden's own count, so it includes
 *       terms before binding; never tagged by election</td></tr>
 *   <tr><td>{@value #LEADER_REVOCATIONS}</td><td>function counter</td><td></td><td>leader terms of
 *       its candidates that ended ({@code onRevoked}: lost, resigned or closed); as above</td></tr>
 *   <tr><td>{@value #TASK}</td><td>counter</td><td>{@code outcome}: {@code ran}, {@code
 *       skipped}</td><td>{@link io.warden.TaskLock} runs on this node and skips</td></tr>
 * </table>
 *
 * <p><b>Lock names</b> are a {@code lock} tag only with {@link #withLockNameTags()}: every distinct
 * name then makes new time series, so turn it on only for a small, fixed set of names (never for
 * names that embed an id). <b>Percentile histograms</b> of the two timers are off unless {@link
 * #withPercentileHistograms()}; a registry's own {@code MeterFilter} can turn them on as well.
 * Without lock tags, every meter is registered at bind time, so dashboards see zeros before the
 * first event.
 *
 * <p><b>Guarantees.</b> Counts and times are of events after {@link #bindTo}; the gauge and the
 * leader function counters read the Warden's own counts, so they include what happened before. Recording is cheap and never blocks (it
 * runs on Warden's threads, see {@link WardenListener}). Counts are of this process's Warden only:
 * sum them across instances for a cluster-wide view. <b>Not guaranteed:</b> an event racing with
 * {@link #bindTo} or {@link #close()} may be missed.
 *
 * <p>Immutable configuration; {@code with...} methods return a new binder and must be called before
 * {@link #bindTo}. Thread-safe. One binder may bind several registries.
 */
public final class WardenMeterBinder implements MeterBinder, AutoCloseable {
    /** Timer of acquisition waits, tagged {@code outcome}. */
    public static final String ACQUIRE = "warden.lock.acquire";
    /** Timer of hold times of released leases. */
    public static final String HELD = "warden.lock.held";
    /** Gauge of leases held now. */
    public static final String LEASES_HELD = "warden.leases.held";
    /** Counter of lease renewals sent. */
    public static final String RENEWALS = "warden.renewals";
    /** Counter of watchdog ticks that sent renewals. */
    public static final String RENEWAL_ROUND_TRIPS = "warden.renewal.round.trips";
    /** Counter of leases lost, tagged {@code cause}. */
    public static final String LEASES_LOST = "warden.leases.lost";
    /** Function counter of leader terms won by this Warden's candidates. */
    public static final String LEADER_ELECTIONS = "warden.leader.elections";
    /** Function counter of leader terms of this Warden's candidates that ended. */
    public static final String LEADER_REVOCATIONS = "warden.leader.revocations";
    /** Counter of task runs and skips, tagged {@code outcome}. */
    public static final String TASK = "warden.task";
    /** The tag that names the lock, with {@link #withLockNameTags()}. */
    public static final String LOCK_TAG = "lock";

    private final Warden warden;
    private final Tags tags;
    private final boolean lockNameTags;
    private final boolean percentileHistograms;
    /** The listener recording into each registry bound so far, by registry identity. */
    private final Map<MeterRegistry, WardenListener> bound = Collections.synchronizedMap(new IdentityHashMap<>());

    /** Meters without lock names and without percentile histograms. */
    public WardenMeterBinder(Warden warden) {
        this(warden, Tags.empty());
    }

    /** As {@link #WardenMeterBinder(Warden)}, with {@code tags} on every meter. */
    public WardenMeterBinder(Warden warden, Iterable<Tag> tags) {
        this(warden, Tags.of(Objects.requireNonNull(tags, "tags")), false, false);
    }

    private WardenMeterBinder(Warden warden, Tags tags, boolean lockNameTags, boolean percentileHistograms) {
        this.warden = Objects.requireNonNull(warden, "warden");
        this.tags = tags;
        this.lockNameTags = lockNameTags;
        this.percentileHistograms = percentileHistograms;
    }

    /**
     * A binder that tags the timers and the {@value #RENEWALS}, {@value #LEASES_LOST} and {@value
     * #TASK} counters with the lock's name ({@value #LOCK_TAG}). Each name makes its own time series.
     */
    public WardenMeterBinder withLockNameTags() {
        return new WardenMeterBinder(warden, tags, true, percentileHistograms);
    }

    /** A binder that publishes percentile histograms of the {@value #ACQUIRE} and {@value #HELD} timers. */
    public WardenMeterBinder withPercentileHistograms() {
        return new WardenMeterBinder(warden, tags, lockNameTags, true);
    }

    /** Registers the meters in {@code registry} and starts recording; binding the same registry again does nothing. */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        synchronized (bound) {
            if (bound.containsKey(registry)) {
                return; // a second listener would count every event twice
            }
            WardenMeters meters = new WardenMeters(registry, tags, lockNameTags, percentileHistograms);
            bound.put(registry, meters);
            warden.addListener(meters);
        }
        Gauge.builder(LEASES_HELD, warden, w -> w.metrics().leasesHeld())
                .tags(tags)
                .description("Leases held now through this Warden")
                .baseUnit("leases")
                .register(registry);
        FunctionCounter.builder(LEADER_ELECTIONS, warden, w -> w.metrics().leaderElections())
                .tags(tags)
                .description("Leader terms won by this Warden's candidates")
                .baseUnit("terms")
                .register(registry);
        FunctionCounter.builder(LEADER_REVOCATIONS, warden, w -> w.metrics().leaderRevocations())
                .tags(tags)
                .description("Leader terms of this Warden's candidates that ended")
                .baseUnit("terms")
                .register(registry);
    }

    /**
     * Stops recording into every registry bound so far (the meters stay registered). Call it before
     * closing the Warden if the binder outlives it, or to unbind. Idempotent.
     */
    @Override
    public void close() {
        synchronized (bound) {
            bound.values().forEach(warden::removeListener);
            bound.clear();
        }
    }

    @Override
    public String toString() {
        return "WardenMeterBinder[" + warden + ", lockNameTags=" + lockNameTags + ", percentileHistograms="
                + percentileHistograms + "]";
    }
}

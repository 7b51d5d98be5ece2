package io.warden.bench;

import java.util.List;
import java.util.Locale;

/** Every scenario the harness knows, in report order; children look theirs up by id. */
final class Scenarios {
    private Scenarios() {}

    static List<Scenario> all() {
        return List.of(
                PairsScenario.uncontended(),
                PairsScenario.parallel(),
                new ContentionScenario(),
                CrossProcessScenario.plain(),
                CrossProcessScenario.fair(),
                WatchdogScenario.atScale(),
                WatchdogScenario.tenth(),
                new TaskScenario(),
                new FailoverScenario(),
                new SemaphoreScenario(),
                new ReadWriteScenario(),
                new RedisBenchmarkScenario());
    }

    static Scenario byId(String id) {
        return all().stream()
                .filter(s -> s.id().equalsIgnoreCase(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no scenario " + id));
    }

    /** Ids compared case-insensitively, as {@code --only} accepts them. */
    static String key(String id) {
        return id.toUpperCase(Locale.ROOT);
    }
}

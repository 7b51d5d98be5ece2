package io.warden.bench;

import io.warden.Warden;
import java.time.Duration;

/** Warden's task lock: {@code task(name).lockAtMostFor(..).lockAtLeastFor(..).runIfFree(body)}. */
final class WardenTasks implements TaskClient {
    private final Warden warden;

    WardenTasks(String uri) {
        this.warden = Warden.connect(uri);
    }

    @Override
    public boolean runIfFree(String task, Duration lockAtLeastFor, Duration lockAtMostFor, Runnable body) {
        return warden.task(task)
                .lockAtMostFor(lockAtMostFor)
                .lockAtLeastFor(lockAtLeastFor)
                .logLevel(org.slf4j.event.Level.DEBUG)
                .runIfFree(body);
    }

    @Override
    public void close() {
        warden.close();
    }
}

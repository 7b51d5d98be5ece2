package io.warden.internal;

import io.warden.HolderInfo;
import io.warden.LeaseLostEvent;
import io.warden.TaskListener;
import io.warden.TaskLock;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Tells a task lock's log, its listener and the Warden's listeners about its runs; a listener's
 * exceptions are logged and contained.
 */
final class TaskEvents {
    private static final Logger log = LoggerFactory.getLogger(TaskLock.class);

    private final String name;
    private final Level level;
    private final TaskListener listener;
    private final Listeners wardenListeners;

    TaskEvents(String name, Level level, TaskListener listener, Listeners wardenListeners) {
        this.name = name;
        this.level = level;
        this.listener = listener;
        this.wardenListeners = wardenListeners;
    }

    void started(long fencingToken) {
        log.atLevel(level).log("task '{}' started on this node (fencing token {})", name, fencingToken);
        wardenListeners.taskRun(name);
        contain(() -> listener.onAcquired(name, fencingToken));
    }

    void skipped(Optional<HolderInfo> holder) {
        // The holder is formatted only if the line is logged: most skips of a busy job are not.
        log.atLevel(level)
                .addArgument(name)
                .addArgument(() -> holder.map(HolderInfo::toString).orElse("another node"))
                .log("task '{}' skipped: held by {}");
        wardenListeners.taskSkipped(name);
        contain(() -> listener.onSkipped(name, holder));
    }

    void lost(LeaseLostEvent event) {
        contain(() -> listener.onLost(name, event));
    }

    void finished(Duration took, @Nullable Throwable failure) {
        if (failure == null) {
            log.atLevel(level).log("task '{}' finished in {} ms", name, took.toMillis());
        } else {
            log.atLevel(level).log("task '{}' failed after {} ms: {}", name, took.toMillis(), failure.toString());
        }
        contain(() -> listener.onFinished(name, took, failure));
    }

    private void contain(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException | Error e) {
            log.error("a listener of task '{}' threw", name, e);
        }
    }
}

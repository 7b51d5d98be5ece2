package io.warden;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Told of a {@link TaskLock}'s runs on this node. All methods have empty defaults; override what you
 * need. Called on the running or skipping thread, except {@link #onLost} (Warden's callback
 * executor). Exceptions thrown here are logged and contained.
 */
public interface TaskListener {

    /** This node got the lock and is about to run the task. */
    default void onAcquired(String task, long fencingToken) {}

    /** This node skipped the task; {@code holder} is who held the lock, when known. */
    default void onSkipped(String task, Optional<HolderInfo> holder) {}

    /** The task ended after running for {@code took}; {@code failure} is its exception, or null. */
    default void onFinished(String task, Duration took, @Nullable Throwable failure) {}

    /** The lease was lost while the task ran. */
    default void onLost(String task, LeaseLostEvent event) {}
}

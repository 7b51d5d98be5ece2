package io.warden.internal;

import io.warden.Lease;
import java.util.ArrayDeque;
import java.util.Deque;

/** The task-lock runs on the current thread, for {@code TaskLock.assertHeld()}. */
public final class RunningTasks {
    private static final ThreadLocal<Deque<Lease>> RUNNING = ThreadLocal.withInitial(ArrayDeque::new);

    private RunningTasks() {}

    static void push(Lease lease) {
        RUNNING.get().push(lease);
    }

    static void pop() {
        Deque<Lease> stack = RUNNING.get();
        stack.pop();
        if (stack.isEmpty()) {
            RUNNING.remove();
        }
    }

    /**
     * Checks that the innermost task run on this thread still holds its lease.
     *
     * @throws IllegalStateException unless it does
     */
    public static void assertHeld() {
        Lease lease = RUNNING.get().peek();
        if (lease == null) {
            RUNNING.remove();
            throw new IllegalStateException("not running inside a task lock on thread "
                    + Thread.currentThread().getName());
        }
        if (!lease.isHeld()) {
            throw new IllegalStateException("task lock '" + lease.lockName() + "' is no longer held"
                    + lease.lostEvent()
                            .map(e -> ": " + e.cause() + ", " + e.detail())
                            .orElse(""));
        }
    }
}

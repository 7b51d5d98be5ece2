package io.warden;

/** What guarded execution does to a running task whose lease is lost. */
public enum LossPolicy {
    /** Interrupt the task's thread, so blocking calls in it stop early (the default). */
    INTERRUPT,
    /** Leave the task running; the loss is reported when it ends (and to {@link Lease#onLost} listeners). */
    NOTIFY
}

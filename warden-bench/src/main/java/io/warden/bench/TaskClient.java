package io.warden.bench;

import java.time.Duration;

/** One task-lock library: run a job if no other node holds its lock, skip it otherwise. */
interface TaskClient extends AutoCloseable {

    /** Runs {@code body} if the lock {@code task} is free; returns whether it ran. */
    boolean runIfFree(String task, Duration lockAtLeastFor, Duration lockAtMostFor, Runnable body);

    @Override
    void close();
}

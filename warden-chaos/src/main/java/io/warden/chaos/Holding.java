package io.warden.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * One acquisition as the history shows it. Its <em>confirmed</em> interval runs from the acquire's
 * confirmation to the last moment the holder saw {@code isHeld()} true (the clock reading before its
 * last write or its release); for a holder killed while holding, to the kill.
 */
final class Holding {
    final String id;
    final String process;
    final long token;
    final long start;
    long end;
    /** The last event of the holding, whatever it was: after its end when it learned of a loss late. */
    long last;
    /** When its onLost listener ran, or -1. */
    long lostAt = -1;

    String lostCause = "";
    /** When a release was refused because the lease was no longer held, or -1. */
    long releaseRefusedAt = -1;

    /** When the holder saw {@code isHeld()} false, or -1. */
    long notHeldAt = -1;

    boolean ended;
    /** It saw {@code isHeld()} true at least once, or was killed holding. */
    boolean confirmed;

    boolean pausedOrKilled;
    final List<Event> writes = new ArrayList<>();

    /** How it was acquired: the OK's or TASK_START's info ({@code mode=long}, {@code held=true callLocked}…). */
    final String how;
    /** A callLocked/runLocked task body rather than a lease returned by acquire. */
    final boolean task;
    /** A task body that began while {@code isHeldByCurrentThread()} was false: it ran without a lease. */
    final boolean unheldTask;
    /** When its acquire was invoked, or -1. */
    long invokedAt = -1;

    Holding(Event ok) {
        this.id = ok.holdingId();
        this.process = ok.process();
        this.token = ok.token();
        this.start = ok.time();
        this.end = ok.time();
        this.last = ok.time();
        this.how = ok.info();
        this.task = ok.type() == Event.Type.TASK_START;
        this.unheldTask = task && ok.info().startsWith("held=false");
        // A task body that saw the lease held on entry confirmed it; one that did not ran anyway.
        this.confirmed = task;
    }

    boolean lost() {
        return lostAt >= 0;
    }

    /**
     * Reported lost to its holder (by onLost, or at the latest by its release being refused as not
     * held), or its process was paused or killed while it held.
     */
    boolean explained() {
        return lost() || releaseRefusedAt >= 0 || pausedOrKilled;
    }

    @Override
    public String toString() {
        return describe(t -> Long.toString(t));
    }

    /** Its id, token, how it was acquired and its interval, with times shown by {@code at}. */
    String describe(java.util.function.LongFunction<String> at) {
        String kind = task
                ? (unheldTask ? "task body ran WITHOUT a held lease " : "task body held ")
                        + how.replaceFirst("held=\\w+ ", "")
                : how.isEmpty() ? "acquire" : how.replace("mode=", "");
        return id + "[" + (token >= 0 ? "token " + token : "no token") + ", " + kind + ", "
                + (unheldTask ? "ran " : "held ") + at.apply(start) + ".." + at.apply(end)
                + (lost() ? ", lost " + lostCause : "") + (releaseRefusedAt >= 0 ? ", release refused" : "")
                + (pausedOrKilled ? ", paused/killed" : "") + "]";
    }
}

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

    Holding(Event ok) {
        this.id = ok.holdingId();
        this.process = ok.process();
        this.token = ok.token();
        this.start = ok.time();
        this.end = ok.time();
        this.last = ok.time();
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
        return id + "[token " + token + ", " + start + ".." + end + (lost() ? ", lost " + lostCause : "")
                + (releaseRefusedAt >= 0 ? ", release refused" : "") + (pausedOrKilled ? ", paused/killed" : "") + "]";
    }
}

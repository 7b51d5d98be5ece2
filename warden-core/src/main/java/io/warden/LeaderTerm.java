package io.warden;

import java.time.Duration;

/**
 * One candidate's time as leader of a {@link LeaderElection}: from its election until its lease is
 * released or lost. A term never comes back: after it ends, a new election starts a new term.
 */
public interface LeaderTerm {

    /** The election's name. */
    String electionName();

    /**
     * The term's fencing token: strictly greater than every earlier term's of this election, across
     * candidates, restarts and expiry (see {@link Lease#fencingToken()}). Pass it to the resources
     * the leader writes, so that they refuse a deposed leader's late writes.
     *
     * @throws IllegalStateException if fencing tokens are disabled for the {@link Warden}
     */
    long fencingToken();

    /** True while this term lasts: its lease is held. No round trip. */
    boolean isActive();

    /** How long this term has lasted (until now, or until it ended). */
    Duration duration();
}

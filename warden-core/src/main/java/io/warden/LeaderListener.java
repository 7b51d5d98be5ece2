package io.warden;

import java.util.Optional;

/**
 * Told of the terms a {@link LeaderElection} candidate wins and loses. Both methods run on Warden's
 * callback executor (or, for {@link LeaderElection#resign} and {@link LeaderElection#close}, on
 * their caller's thread); exceptions are logged and contained.
 *
 * <p>Each term gets exactly one {@code onElected} and then exactly one {@code onRevoked}, except a
 * term lost before it could be announced, which gets neither. {@code onRevoked} does not wait for
 * a slow {@code onElected} to return: long work started from {@code onElected} should check {@link
 * LeaderTerm#isActive()} or stop when {@code onRevoked} comes.
 */
public interface LeaderListener {

    /** This candidate became the leader for {@code term}. */
    void onElected(LeaderTerm term);

    /**
     * {@code term} is over for this candidate: stop acting as leader. {@link LeaderTerm#isActive()}
     * is already false.
     *
     * @param loss why the term was lost, or empty if this candidate resigned or was closed
     */
    void onRevoked(LeaderTerm term, Optional<LeaseLostEvent> loss);
}

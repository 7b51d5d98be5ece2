package io.warden.internal.sim;

import java.time.Duration;

/**
 * How badly a simulated connection to Redis behaves; each probability is drawn per command. Delays
 * are drawn uniformly: the request's way to the server and the reply's way back each take up to
 * {@code maxDelay}, or, with probability {@code slow}, up to {@code maxSlowDelay} (which may be far
 * longer than a lease). A reply later than {@code commandTimeout} fails the call with a timeout,
 * as Lettuce does, though the command may still run.
 *
 * @param commandTimeout when an unanswered call fails with a timeout
 * @param maxDelay the usual one-way latency bound
 * @param slow probability that one leg is slow instead
 * @param maxSlowDelay the slow one-way latency bound
 * @param failBefore probability the command fails without running (connection refused or reset)
 * @param dropReply probability the command runs but its reply is lost (the call then times out)
 * @param duplicate probability the command runs twice: the connection drops after the first run,
 *     whose reply is lost, and the client replays it after a drawn delay, before any later command;
 *     the replay's reply answers the call
 * @param reorder probability the command and its reply skip the connection's FIFO order
 * @param messageLoss probability a release message is lost on its way to the client
 * @param maxMessageDelay bound of a release message's delay to the client
 */
public record FaultPlan(
        Duration commandTimeout,
        Duration maxDelay,
        double slow,
        Duration maxSlowDelay,
        double failBefore,
        double dropReply,
        double duplicate,
        double reorder,
        double messageLoss,
        Duration maxMessageDelay) {

    /** A perfect connection: no latency, no faults; calls time out after 2 s if paused. */
    public static FaultPlan none() {
        return new FaultPlan(Duration.ofSeconds(2), Duration.ZERO, 0, Duration.ZERO, 0, 0, 0, 0, 0, Duration.ZERO);
    }

    /** Small latency and occasional faults of every kind: a bad day on a real network. */
    public static FaultPlan unreliable() {
        return new FaultPlan(
                Duration.ofSeconds(2),
                Duration.ofMillis(3),
                0.02,
                Duration.ofSeconds(5),
                0.02,
                0.02,
                0.02,
                0.05,
                0.02,
                Duration.ofMillis(5));
    }

    public FaultPlan withCommandTimeout(Duration value) {
        return new FaultPlan(
                value,
                maxDelay,
                slow,
                maxSlowDelay,
                failBefore,
                dropReply,
                duplicate,
                reorder,
                messageLoss,
                maxMessageDelay);
    }

    public FaultPlan withDelays(Duration usual, double slowChance, Duration slowBound) {
        return new FaultPlan(
                commandTimeout,
                usual,
                slowChance,
                slowBound,
                failBefore,
                dropReply,
                duplicate,
                reorder,
                messageLoss,
                maxMessageDelay);
    }

    public FaultPlan withFailBefore(double chance) {
        return new FaultPlan(
                commandTimeout,
                maxDelay,
                slow,
                maxSlowDelay,
                chance,
                dropReply,
                duplicate,
                reorder,
                messageLoss,
                maxMessageDelay);
    }

    public FaultPlan withDropReply(double chance) {
        return new FaultPlan(
                commandTimeout,
                maxDelay,
                slow,
                maxSlowDelay,
                failBefore,
                chance,
                duplicate,
                reorder,
                messageLoss,
                maxMessageDelay);
    }

    public FaultPlan withDuplicate(double chance) {
        return new FaultPlan(
                commandTimeout,
                maxDelay,
                slow,
                maxSlowDelay,
                failBefore,
                dropReply,
                chance,
                reorder,
                messageLoss,
                maxMessageDelay);
    }

    public FaultPlan withReorder(double chance) {
        return new FaultPlan(
                commandTimeout,
                maxDelay,
                slow,
                maxSlowDelay,
                failBefore,
                dropReply,
                duplicate,
                chance,
                messageLoss,
                maxMessageDelay);
    }

    public FaultPlan withMessages(double lossChance, Duration maxDelayToClient) {
        return new FaultPlan(
                commandTimeout,
                maxDelay,
                slow,
                maxSlowDelay,
                failBefore,
                dropReply,
                duplicate,
                reorder,
                lossChance,
                maxDelayToClient);
    }
}

package io.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.LossCause;
import io.warden.internal.LeaseMachine.Phase;
import io.warden.internal.LeaseMachine.ReleaseStep;
import io.warden.internal.LockStore.Released;
import org.junit.jupiter.api.Test;

/** Every rule of one lease's state machine, on plain numbers: no store, no clock, no threads. */
class LeaseMachineTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    /** An arbitrary origin far from 0, as System.nanoTime() is. */
    private static final long T0 = FakeTicker.ORIGIN;

    private static LeaseMachine watched(long leaseNanos) {
        return new LeaseMachine(new LeaseSpec(leaseNanos, true, Long.MAX_VALUE, 3), T0, leaseNanos);
    }

    private static LeaseMachine unwatched(long leaseNanos) {
        return new LeaseMachine(new LeaseSpec(leaseNanos, false, Long.MAX_VALUE, 3), T0, leaseNanos);
    }

    private static LeaseMachine releasing() {
        LeaseMachine machine = watched(30 * S);
        assertThat(machine.beginRelease()).isEqualTo(ReleaseStep.SEND);
        return machine;
    }

    private static LeaseMachine releaseUnknown() {
        LeaseMachine machine = releasing();
        machine.releaseUnknown();
        return machine;
    }

    // ---- validity ----------------------------------------------------------------------------------

    @Test
    void anAnnouncedReleaseBringsTheRenewalForwardOnlyWhenOneMayBeSent() {
        LeaseMachine machine = watched(30 * S);
        assertThat(machine.renewalDue(T0 + S)).as("not due a second in").isZero();

        assertThat(machine.renewNow(T0 + S)).isTrue();
        assertThat(machine.nextEventAt()).isEqualTo(T0 + S);
        assertThat(machine.renewalDue(T0 + S)).isEqualTo(30 * S);
        assertThat(machine.renewNow(T0 + S)).as("one already in flight tells").isFalse();

        assertThat(unwatched(30 * S).renewNow(T0 + S))
                .as("a fixed TTL is never renewed")
                .isFalse();
        assertThat(releasing().renewNow(T0 + S)).as("a lease being released").isFalse();
    }

    @Test
    void validityIsTheSendTimePlusTheTtlMinusTheDriftAllowance() {
        LeaseMachine machine = watched(30 * S);
        long drift = 30 * S / 100 + 2 * MS;
        assertThat(LeaseSpec.driftNanos(30 * S)).isEqualTo(drift);
        assertThat(machine.isHeld(T0 + 30 * S - drift - 1)).isTrue();
        assertThat(machine.isHeld(T0 + 30 * S - drift)).isFalse();
        assertThat(machine.remainingNanos(T0)).isEqualTo(30 * S - drift);
        assertThat(machine.remainingNanos(T0 + 30 * S)).isZero();
        assertThat(machine.phase()).isEqualTo(Phase.HELD);
    }

    @Test
    void theDriftAllowanceIsOnePercentPlusTwoMillisecondsAndTheLossLeadAtLeastThat() {
        assertThat(LeaseSpec.driftNanos(10 * S)).isEqualTo(102 * MS);
        assertThat(LeaseSpec.lossLeadNanos(10 * S)).isEqualTo(S);
        // Below 25 ms a tenth is less than the drift allowance: the lead is the allowance.
        assertThat(LeaseSpec.lossLeadNanos(10 * MS)).isEqualTo(LeaseSpec.driftNanos(10 * MS));
    }

    @Test
    void aLateGrantCountsFromItsSendNotFromItsArrival() {
        LeaseMachine machine = watched(S);
        // The reply took 900 ms: only what is left of the send-based validity remains.
        assertThat(machine.remainingNanos(T0 + 900 * MS)).isEqualTo(S - LeaseSpec.driftNanos(S) - 900 * MS);
        assertThat(machine.isHeld(T0 + S)).isFalse();
    }

    @Test
    void aLateRenewalConfirmationNeverExtendsValidityBeyondItsSend() {
        LeaseMachine machine = watched(30 * S);
        long sentAt = T0 + 10 * S;
        long ttl = machine.renewalDue(sentAt);
        assertThat(ttl).isEqualTo(30 * S);
        // The reply arrives 25 s after the send: validity still counts from the send.
        machine.renewed(sentAt, ttl);
        long arrival = sentAt + 25 * S;
        assertThat(machine.remainingNanos(arrival)).isEqualTo(sentAt + 30 * S - LeaseSpec.driftNanos(30 * S) - arrival);
        assertThat(machine.isHeld(sentAt + 30 * S - LeaseSpec.driftNanos(30 * S)))
                .isFalse();
    }

    // ---- renewal schedule --------------------------------------------------------------------------

    @Test
    void commandsSentAfterAConfirmedOneStillCapItsValidityHoweverManyAreInFlight() {
        LeaseMachine machine = watched(30 * S);
        long t1 = T0 + 10 * S;
        long t2 = T0 + 11 * S;
        long t3 = T0 + 12 * S;
        assertThat(machine.renewalDue(t1)).isEqualTo(30 * S);
        machine.sending(t2, 30 * S);
        machine.sending(t3, 5 * S); // a third command in flight: a shorter TTL counts at once
        long cappedUntil = t3 + 5 * S - LeaseSpec.driftNanos(5 * S);
        assertThat(machine.remainingNanos(t3)).isEqualTo(cappedUntil - t3);

        machine.extended(t2, 30 * S, 30 * S);
        assertThat(machine.remainingNanos(t3))
                .as("the 30 s TTL confirmed, the 5 s one sent after it may still land")
                .isEqualTo(cappedUntil - t3);

        machine.extended(t3, 5 * S, 5 * S);
        assertThat(machine.remainingNanos(t3)).isEqualTo(cappedUntil - t3);
        assertThat(machine.deadlinePassed(cappedUntil)).isEqualTo(LossCause.RENEWAL_DEADLINE_PASSED);
    }

    @Test
    void renewalsAreDueEveryTtlOverRenewalsPerLeaseAndGroupedWithinFiveEighthsOfAnInterval() {
        LeaseMachine machine = watched(30 * S);
        long interval = 10 * S;
        long early = interval * 5 / 8;
        assertThat(machine.nextEventAt()).isEqualTo(T0 + interval);
        assertThat(machine.renewalDue(T0 + interval - early - 1))
                .as("before the grouping window")
                .isZero();
        assertThat(machine.renewalDue(T0 + interval - early))
                .as(
                        "a tick five eighths of an interval early renews it too (more than half: any two due instants merge)")
                .isEqualTo(30 * S);
    }

    @Test
    void aRenewalInFlightIsNotDueAgainAndTheNextEventIsTheLossDeadline() {
        LeaseMachine machine = watched(30 * S);
        assertThat(machine.renewalDue(T0 + 10 * S)).isPositive();
        assertThat(machine.renewalDue(T0 + 10 * S)).isZero();
        assertThat(machine.renewalDue(T0 + 20 * S)).isZero();
        assertThat(machine.nextEventAt()).isEqualTo(T0 + 30 * S - LeaseSpec.lossLeadNanos(30 * S));
    }

    @Test
    void aConfirmedRenewalMovesValidityLossDeadlineAndNextRenewal() {
        LeaseMachine machine = watched(30 * S);
        long sentAt = T0 + 10 * S;
        machine.renewed(sentAt, machine.renewalDue(sentAt));
        assertThat(machine.nextEventAt()).isEqualTo(sentAt + 10 * S);
        assertThat(machine.deadlinePassed(T0 + 29 * S)).isNull();
        assertThat(machine.deadlinePassed(sentAt + 27 * S)).isEqualTo(LossCause.RENEWAL_DEADLINE_PASSED);
    }

    @Test
    void anUnwatchedLeaseIsNeverDueForRenewal() {
        LeaseMachine machine = unwatched(30 * S);
        assertThat(machine.isWatched()).isFalse();
        assertThat(machine.renewalDue(T0 + 20 * S)).isZero();
        assertThat(machine.nextEventAt()).isEqualTo(T0 + 30 * S - LeaseSpec.driftNanos(30 * S));
    }

    @Test
    void afterAnUnknownRenewalOutcomeTheRetryComesATenthOfTheIntervalLaterAndValidityStays() {
        LeaseMachine machine = watched(30 * S);
        long sentAt = T0 + 10 * S;
        machine.renewalDue(sentAt);
        long failedAt = sentAt + 3 * S; // the command timed out
        machine.renewalFailed(failedAt);
        assertThat(machine.nextEventAt()).isEqualTo(failedAt + S);
        // Validity still counts from the grant, the last confirmation.
        assertThat(machine.remainingNanos(failedAt)).isEqualTo(T0 + 30 * S - LeaseSpec.driftNanos(30 * S) - failedAt);
        assertThat(machine.deadlinePassed(T0 + 27 * S)).isEqualTo(LossCause.RENEWAL_DEADLINE_PASSED);
    }

    @Test
    void theRenewalRetryWaitsAtLeastTwentyFiveMilliseconds() {
        LeaseMachine machine = watched(150 * MS); // interval 50 ms: a tenth is 5 ms
        machine.renewalDue(T0 + 50 * MS);
        machine.renewalFailed(T0 + 60 * MS);
        assertThat(machine.nextEventAt()).isEqualTo(T0 + 85 * MS);
    }

    @Test
    void aFailedRenewalIsDueAgainAtItsRetry() {
        LeaseMachine machine = watched(30 * S);
        machine.renewalDue(T0 + 10 * S);
        machine.renewalFailed(T0 + 11 * S);
        assertThat(machine.renewalDue(T0 + 12 * S)).isEqualTo(30 * S);
    }

    // ---- deadlines ---------------------------------------------------------------------------------

    @Test
    void aWatchedLeaseWithoutConfirmedRenewalIsLostATenthOfItsTtlBeforeExpiry() {
        LeaseMachine machine = watched(30 * S);
        long lossAt = T0 + 27 * S;
        assertThat(machine.deadlinePassed(lossAt - 1)).isNull();
        assertThat(machine.deadlinePassed(lossAt)).isEqualTo(LossCause.RENEWAL_DEADLINE_PASSED);
        assertThat(machine.isHeld(lossAt))
                .as("still valid until the loss is declared")
                .isTrue();
    }

    @Test
    void anUnwatchedLeaseExpiresAtTheEndOfItsValidity() {
        LeaseMachine machine = unwatched(10 * S);
        long validUntil = T0 + 10 * S - LeaseSpec.driftNanos(10 * S);
        assertThat(machine.deadlinePassed(validUntil - 1)).isNull();
        assertThat(machine.deadlinePassed(validUntil)).isEqualTo(LossCause.EXPIRED);
    }

    @Test
    void aWatchedLeaseWhoseRenewalsTheMaxHoldCutEndsAsMaxHoldReached() {
        // 600 ms leases renewed every 200 ms, held at most 1.5 s.
        LeaseMachine machine = new LeaseMachine(new LeaseSpec(600 * MS, true, 1500 * MS, 3), T0, 600 * MS);
        long now = T0;
        long lastTtl = 0;
        while (true) {
            now = machine.nextEventAt();
            if (machine.deadlinePassed(now) != null) {
                break;
            }
            long ttl = machine.renewalDue(now);
            assertThat(ttl).isPositive();
            assertThat(now + ttl).isLessThanOrEqualTo(T0 + 1500 * MS);
            machine.renewed(now, ttl);
            lastTtl = ttl;
        }
        assertThat(lastTtl).isLessThan(600 * MS);
        assertThat(machine.deadlinePassed(now)).isEqualTo(LossCause.MAX_HOLD_REACHED);
        assertThat(now).isLessThan(T0 + 1500 * MS);
    }

    @Test
    void noRenewalIsSentWithinAMillisecondOfTheMaxHold() {
        LeaseMachine machine = new LeaseMachine(new LeaseSpec(600 * MS, true, 1000 * MS, 3), T0, 600 * MS);
        machine.renewed(T0 + 500 * MS, machine.renewalDue(T0 + 500 * MS));
        assertThat(machine.renewalDue(T0 + 999 * MS + 1)).isZero();
    }

    @Test
    void aLeaseNotCutByItsMaxHoldIsNotReportedAsMaxHoldReached() {
        // The TTL is the max hold, as asked (a task lock without watchdog): it simply expires.
        LeaseMachine machine = new LeaseMachine(new LeaseSpec(10 * S, false, 10 * S, 3), T0, 10 * S);
        assertThat(machine.deadlinePassed(T0 + 10 * S)).isEqualTo(LossCause.EXPIRED);
    }

    @Test
    void anUnwatchedLeaseCutByItsMaxHoldEndsAsMaxHoldReached() {
        LeaseSpec spec = new LeaseSpec(30 * S, false, 10 * S, 3);
        LeaseMachine machine = new LeaseMachine(spec, T0, spec.initialTtlNanos());
        assertThat(machine.deadlinePassed(T0 + 10 * S)).isEqualTo(LossCause.MAX_HOLD_REACHED);
    }

    @Test
    void aLeaseThatEndedHasNoDeadlineAndNoNextEvent() {
        LeaseMachine machine = watched(30 * S);
        machine.lose(LossCause.KEY_DELETED);
        assertThat(machine.deadlinePassed(T0 + 60 * S)).isNull();
        assertThat(machine.nextEventAt()).isEqualTo(Long.MAX_VALUE);
        assertThat(machine.renewalDue(T0 + 10 * S)).isZero();
    }

    // ---- extend ------------------------------------------------------------------------------------

    @Test
    void extendBelowTheRenewalIntervalReschedulesRenewalsFromTheNewTtlAndIsNotAMaxHold() {
        LeaseMachine machine = watched(30 * S);
        long sentAt = T0 + S;
        long ttl = machine.extendTtl(sentAt, 3 * S);
        assertThat(ttl).isEqualTo(3 * S);
        machine.extended(sentAt, ttl, 3 * S);
        assertThat(machine.nextEventAt())
                .as("renewal a third of the new TTL away, not of the 30 s lease")
                .isEqualTo(sentAt + S);
        assertThat(machine.remainingNanos(sentAt)).isEqualTo(3 * S - LeaseSpec.driftNanos(3 * S));
        assertThat(machine.deadlinePassed(sentAt + 3 * S - LeaseSpec.lossLeadNanos(3 * S)))
                .isEqualTo(LossCause.RENEWAL_DEADLINE_PASSED);
        // The watchdog renews it back to the lease time.
        assertThat(machine.renewalDue(sentAt + S)).isEqualTo(30 * S);
    }

    @Test
    void anUnwatchedExtendMovesTheExpiry() {
        LeaseMachine machine = unwatched(S);
        machine.extended(T0 + 500 * MS, machine.extendTtl(T0 + 500 * MS, 5 * S), 5 * S);
        assertThat(machine.isHeld(T0 + 5 * S)).isTrue();
        assertThat(machine.deadlinePassed(T0 + 5500 * MS - LeaseSpec.driftNanos(5 * S)))
                .isEqualTo(LossCause.EXPIRED);
    }

    @Test
    void anExtendCutByTheMaxHoldIsReportedAsMaxHoldReached() {
        LeaseMachine machine = new LeaseMachine(new LeaseSpec(S, false, 5 * S, 3), T0, S);
        long sentAt = T0 + 500 * MS;
        long ttl = machine.extendTtl(sentAt, 10 * S);
        assertThat(ttl).isEqualTo(4500 * MS);
        machine.extended(sentAt, ttl, 10 * S);
        assertThat(machine.deadlinePassed(T0 + 5 * S)).isEqualTo(LossCause.MAX_HOLD_REACHED);
    }

    @Test
    void anExtendReplyAfterTheReleaseBeganChangesNothing() {
        LeaseMachine machine = releasing();
        machine.extended(T0 + S, 60 * S, 60 * S);
        machine.renewed(T0 + S, 60 * S);
        assertThat(machine.phase()).isEqualTo(Phase.RELEASING);
        assertThat(machine.isHeld(T0 + S)).isFalse();
        assertThat(machine.nextEventAt()).isEqualTo(Long.MAX_VALUE);
    }

    // ---- re-entrancy -------------------------------------------------------------------------------

    @Test
    void reentrantHoldsAreCountedAndOnlyTheLastReleaseSends() {
        LeaseMachine machine = watched(30 * S);
        assertThat(machine.reenter(T0 + S)).isTrue();
        assertThat(machine.reenter(T0 + 2 * S)).isTrue();
        assertThat(machine.beginRelease()).isEqualTo(ReleaseStep.INNER_HOLD);
        assertThat(machine.beginRelease()).isEqualTo(ReleaseStep.INNER_HOLD);
        assertThat(machine.isHeld(T0 + 3 * S)).isTrue();
        assertThat(machine.beginRelease()).isEqualTo(ReleaseStep.SEND);
        assertThat(machine.phase()).isEqualTo(Phase.RELEASING);
        assertThat(machine.beginRelease()).isEqualTo(ReleaseStep.ALREADY_RELEASED);
    }

    @Test
    void aLeasePastItsValidityCannotBeReentered() {
        LeaseMachine machine = unwatched(S);
        assertThat(machine.reenter(T0 + S)).isFalse();
        assertThat(machine.beginRelease()).isEqualTo(ReleaseStep.SEND);
    }

    // ---- release -----------------------------------------------------------------------------------

    @Test
    void aConfirmedReleaseEndsAsReleased() {
        LeaseMachine machine = releasing();
        assertThat(machine.isHeld(T0)).isFalse();
        assertThat(machine.isWatched()).isFalse();
        assertThat(machine.renewalDue(T0 + 10 * S)).isZero();
        assertThat(machine.releaseReplied(Released.RELEASED)).isEqualTo(new LeaseMachine.ReleaseVerdict(true, null));
        assertThat(machine.phase()).isEqualTo(Phase.RELEASED);
        assertThat(machine.beginRelease()).isEqualTo(ReleaseStep.ALREADY_RELEASED);
        assertThat(machine.closing()).isFalse();
    }

    @Test
    void aReleaseKeepingTheKeyIsAReleaseToo() {
        LeaseMachine machine = releasing();
        assertThat(machine.releaseReplied(Released.KEPT).released()).isTrue();
        assertThat(machine.phase()).isEqualTo(Phase.RELEASED);
    }

    @Test
    void aFirstReleaseFindingTheKeyGoneIsALoss() {
        LeaseMachine machine = releasing();
        assertThat(machine.releaseReplied(Released.GONE))
                .isEqualTo(new LeaseMachine.ReleaseVerdict(false, LossCause.KEY_DELETED));
        assertThat(machine.phase()).isEqualTo(Phase.LOST);
        assertThat(machine.lossCause()).isEqualTo(LossCause.KEY_DELETED);
    }

    @Test
    void aFirstReleaseFindingAnotherOwnerIsALoss() {
        LeaseMachine machine = releasing();
        assertThat(machine.releaseReplied(Released.OTHER_OWNER))
                .isEqualTo(new LeaseMachine.ReleaseVerdict(false, LossCause.TAKEN_BY_ANOTHER_OWNER));
        assertThat(machine.phase()).isEqualTo(Phase.LOST);
    }

    @Test
    void aReleaseWithUnknownOutcomeIsNotHeldNotReenterableNotWatchedAndMayBeRetried() {
        LeaseMachine machine = releaseUnknown();
        assertThat(machine.phase()).isEqualTo(Phase.RELEASE_UNKNOWN);
        assertThat(machine.isHeld(T0 + S)).isFalse();
        assertThat(machine.reenter(T0 + S)).isFalse();
        assertThat(machine.isWatched()).isFalse();
        assertThat(machine.renewalDue(T0 + 10 * S)).isZero();
        assertThat(machine.nextEventAt()).isEqualTo(Long.MAX_VALUE);
        assertThat(machine.deadlinePassed(T0 + 60 * S)).isNull();
        assertThat(machine.closing()).as("closing still sends a release").isTrue();
        assertThat(machine.beginRelease()).isEqualTo(ReleaseStep.SEND);
        assertThat(machine.phase()).isEqualTo(Phase.RELEASING);
    }

    @Test
    void aRetriedReleaseFindingTheKeyGoneCountsAsReleased() {
        LeaseMachine machine = releaseUnknown();
        machine.beginRelease();
        assertThat(machine.releaseReplied(Released.GONE).released()).isTrue();
        assertThat(machine.phase()).isEqualTo(Phase.RELEASED);
        assertThat(machine.lossCause()).isNull();
    }

    @Test
    void aRetriedReleaseFindingAnotherOwnerCountsAsReleased() {
        LeaseMachine machine = releaseUnknown();
        machine.beginRelease();
        assertThat(machine.releaseReplied(Released.OTHER_OWNER).released()).isTrue();
        assertThat(machine.phase()).isEqualTo(Phase.RELEASED);
    }

    @Test
    void aRetryWhoseOutcomeIsUnknownAgainCanBeRetriedAgain() {
        LeaseMachine machine = releaseUnknown();
        machine.beginRelease();
        machine.releaseUnknown();
        assertThat(machine.phase()).isEqualTo(Phase.RELEASE_UNKNOWN);
        assertThat(machine.beginRelease()).isEqualTo(ReleaseStep.SEND);
        assertThat(machine.releaseReplied(Released.RELEASED).released()).isTrue();
    }

    @Test
    void foreignDataIsALossEvenForARetriedRelease() {
        LeaseMachine first = releasing();
        assertThat(first.releaseReplied(Released.FOREIGN))
                .isEqualTo(new LeaseMachine.ReleaseVerdict(false, LossCause.KEY_OVERWRITTEN));
        assertThat(first.phase()).isEqualTo(Phase.LOST);

        LeaseMachine retried = releaseUnknown();
        retried.beginRelease();
        assertThat(retried.releaseReplied(Released.FOREIGN))
                .isEqualTo(new LeaseMachine.ReleaseVerdict(false, LossCause.KEY_OVERWRITTEN));
        assertThat(retried.phase()).isEqualTo(Phase.LOST);
    }

    @Test
    void aReleaseReplyUnknownOutsideAReleaseChangesNothing() {
        LeaseMachine machine = watched(30 * S);
        machine.releaseUnknown();
        assertThat(machine.phase()).isEqualTo(Phase.HELD);
        assertThat(machine.isWatched()).isTrue();
    }

    // ---- losses ------------------------------------------------------------------------------------

    @Test
    void onlyAHeldLeaseCanBeLost() {
        LeaseMachine held = watched(30 * S);
        assertThat(held.lose(LossCause.TAKEN_BY_ANOTHER_OWNER)).isTrue();
        assertThat(held.phase()).isEqualTo(Phase.LOST);
        assertThat(held.lossCause()).isEqualTo(LossCause.TAKEN_BY_ANOTHER_OWNER);
        assertThat(held.isHeld(T0)).isFalse();
        assertThat(held.lose(LossCause.KEY_DELETED)).as("lost once").isFalse();
        assertThat(held.lossCause()).isEqualTo(LossCause.TAKEN_BY_ANOTHER_OWNER);
        assertThat(held.closing()).isFalse();
    }

    @Test
    void aRenewalOrExtendReplyRacingAReleaseNeverTurnsItIntoALoss() {
        LeaseMachine machine = releasing();
        assertThat(machine.lose(LossCause.KEY_DELETED)).isFalse();
        assertThat(machine.phase()).isEqualTo(Phase.RELEASING);
        assertThat(machine.releaseReplied(Released.RELEASED).released()).isTrue();
        assertThat(machine.phase()).isEqualTo(Phase.RELEASED);

        LeaseMachine unknown = releaseUnknown();
        assertThat(unknown.lose(LossCause.TAKEN_BY_ANOTHER_OWNER)).isFalse();
        assertThat(unknown.phase()).isEqualTo(Phase.RELEASE_UNKNOWN);

        LeaseMachine released = releasing();
        released.releaseReplied(Released.RELEASED);
        assertThat(released.lose(LossCause.RENEWAL_DEADLINE_PASSED)).isFalse();
        assertThat(released.phase()).isEqualTo(Phase.RELEASED);
    }

    @Test
    void aRenewalFailureAfterTheReleaseBeganNeitherResumesRenewalsNorLoses() {
        LeaseMachine machine = watched(30 * S);
        machine.renewalDue(T0 + 10 * S);
        machine.beginRelease();
        machine.renewalFailed(T0 + 11 * S);
        assertThat(machine.renewalDue(T0 + 20 * S)).isZero();
        assertThat(machine.nextEventAt()).isEqualTo(Long.MAX_VALUE);
        assertThat(machine.phase()).isEqualTo(Phase.RELEASING);
    }

    @Test
    void aLeaseLostAtItsDeadlineSendsOneQuietReleaseThenReportsTheLoss() {
        for (LossCause cause :
                new LossCause[] {LossCause.RENEWAL_DEADLINE_PASSED, LossCause.EXPIRED, LossCause.MAX_HOLD_REACHED}) {
            LeaseMachine machine = watched(30 * S);
            machine.lose(cause);
            assertThat(machine.beginRelease()).as("%s", cause).isEqualTo(ReleaseStep.SEND_AFTER_LOSS);
            assertThat(machine.beginRelease()).as("%s", cause).isEqualTo(ReleaseStep.LOST);
        }
    }

    @Test
    void aLeaseWhoseKeyIsKnownGoneOrTakenSendsNoRelease() {
        for (LossCause cause : new LossCause[] {
            LossCause.KEY_DELETED, LossCause.TAKEN_BY_ANOTHER_OWNER, LossCause.KEY_OVERWRITTEN, LossCause.WARDEN_CLOSED
        }) {
            LeaseMachine machine = watched(30 * S);
            machine.lose(cause);
            assertThat(machine.beginRelease()).as("%s", cause).isEqualTo(ReleaseStep.LOST);
        }
    }

    @Test
    void aQuietReleaseAfterALossReportsItsReplyWithoutChangingTheLoss() {
        LeaseMachine machine = watched(30 * S);
        machine.lose(LossCause.RENEWAL_DEADLINE_PASSED);
        machine.beginRelease();
        machine.releaseReplied(Released.RELEASED);
        assertThat(machine.phase()).isEqualTo(Phase.LOST);
        assertThat(machine.lossCause()).isEqualTo(LossCause.RENEWAL_DEADLINE_PASSED);
    }

    @Test
    void closingSendsAReleaseOnlyWhileTheKeyMayStillBeOurs() {
        assertThat(watched(S).closing()).isTrue();
        assertThat(releasing().closing()).isTrue();
        assertThat(releaseUnknown().closing()).isTrue();
    }

    // ---- a release sent past the local deadline ------------------------------------------------

    /**
     * The drift margin ends validity before the key can expire. A holder that releases inside that
     * margin, before the watchdog declared anything, lets Redis decide: a key still holding its
     * token proves nobody else held the lock. Found by the lease simulation (seed 27097).
     */
    @Test
    void aReleasePastTheLocalDeadlineThatFindsTheKeyStillOursIsARelease() {
        LeaseMachine machine = unwatched(100 * MS);
        long pastValidity = T0 + 98 * MS;
        assertThat(machine.isHeld(pastValidity)).isFalse();
        assertThat(machine.beginRelease(pastValidity)).isEqualTo(ReleaseStep.SEND);
        assertThat(machine.releaseReplied(LockStore.Released.RELEASED).released())
                .isTrue();
        assertThat(machine.phase()).isEqualTo(Phase.RELEASED);
    }

    @Test
    void aReleasePastTheLocalDeadlineThatFindsTheKeyGoneIsLostForTheDeadlinesCause() {
        LeaseMachine machine = unwatched(100 * MS);
        assertThat(machine.beginRelease(T0 + 150 * MS)).isEqualTo(ReleaseStep.SEND);
        LeaseMachine.ReleaseVerdict verdict = machine.releaseReplied(LockStore.Released.GONE);
        assertThat(verdict.released()).isFalse();
        assertThat(verdict.cause()).isEqualTo(LossCause.EXPIRED);
        assertThat(machine.phase()).isEqualTo(Phase.LOST);
    }
}

package io.warden.internal;

import io.warden.LossCause;
import java.util.ArrayList;
import java.util.List;

/**
 * What the simulation knows about one lease: one {@link LeaseState}, shared by the re-entrant
 * handles its client got. Counts how the lease was told lost and whether its release succeeded.
 */
final class SimLease {
    final String process;
    final String client;
    final String alias;
    final LeaseState state;
    final long fence;
    /** The handles its client has not released yet (or whose release it may retry). */
    final List<LeaseHandle> handles = new ArrayList<>();
    /** Unregisters the simulation's loss listener; the client calls it when done without a loss. */
    Runnable unregister = () -> {};

    boolean unregistered;
    int lostCalls;
    LossCause lostCause;
    boolean releasedOk;
    /** Fake time since which the lease is HELD but not held (validity over), or MIN_VALUE. */
    long notHeldSince = Long.MIN_VALUE;

    SimLease(String process, String client, String alias, LeaseState state) {
        this.process = process;
        this.client = client;
        this.alias = alias;
        this.state = state;
        this.fence = state.fence();
    }

    String name() {
        return state.name();
    }

    /** Released or lost: it can never be held again, so per-step checks skip it. */
    boolean finished() {
        LeaseMachine.Phase phase = state.phase();
        return phase == LeaseMachine.Phase.RELEASED || phase == LeaseMachine.Phase.LOST;
    }

    /** The client is done with it (released, lost, or its release outcome left unknown). */
    void letGo() {
        if (!unregistered) {
            unregistered = true;
            unregister.run();
        }
    }

    @Override
    public String toString() {
        return alias + "(" + state.name() + " fence " + fence + " of " + client + ")";
    }
}

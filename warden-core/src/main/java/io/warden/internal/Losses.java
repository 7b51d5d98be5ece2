package io.warden.internal;

import io.warden.LeaseNotHeldException;
import io.warden.LossCause;

/** The one table from what Redis answered about a lease to why the lease is lost, and how to say it. */
final class Losses {
    private Losses() {}

    static LossCause cause(LockStore.Ownership ownership) {
        return switch (ownership) {
            case GONE -> LossCause.KEY_DELETED;
            case OTHER_OWNER -> LossCause.TAKEN_BY_ANOTHER_OWNER;
            case FOREIGN -> LossCause.KEY_OVERWRITTEN;
            case OWNED -> throw new IllegalArgumentException("an owned key is not lost");
        };
    }

    static LossCause cause(LockStore.Released outcome) {
        return switch (outcome) {
            case GONE -> LossCause.KEY_DELETED;
            case OTHER_OWNER -> LossCause.TAKEN_BY_ANOTHER_OWNER;
            case FOREIGN -> LossCause.KEY_OVERWRITTEN;
            case RELEASED, KEPT -> throw new IllegalArgumentException("a released key is not lost");
        };
    }

    /** What {@code operation} ("renewal", "extend", "release") found, for the loss event. */
    static String detail(LossCause cause, String operation) {
        return switch (cause) {
            case KEY_DELETED -> operation + " found the key gone (expired or deleted)";
            case TAKEN_BY_ANOTHER_OWNER -> operation + " found the lock held by another owner";
            case KEY_OVERWRITTEN -> operation + " found the key replaced by data Warden did not write";
            default -> operation + " found the lease " + cause;
        };
    }

    /** The reason a caller is given when it acts on a lease lost for {@code cause}. */
    static LeaseNotHeldException.Reason reason(LossCause cause) {
        return switch (cause) {
            case KEY_DELETED, EXPIRED -> LeaseNotHeldException.Reason.EXPIRED;
            case TAKEN_BY_ANOTHER_OWNER -> LeaseNotHeldException.Reason.HELD_BY_ANOTHER_OWNER;
            default -> LeaseNotHeldException.Reason.LOST;
        };
    }
}

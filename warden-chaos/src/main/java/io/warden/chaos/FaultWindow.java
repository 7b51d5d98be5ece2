package io.warden.chaos;

/**
 * A fault from its start to its heal, and the settling time after it during which its effects
 * (leases it broke, late notices) still count against it.
 */
record FaultWindow(Fault fault, String target, long start, long heal, long settledAt) {

    boolean covers(long time) {
        return time >= start && time <= settledAt;
    }

    boolean targetsWorker(String process) {
        return target.equals(process);
    }
}

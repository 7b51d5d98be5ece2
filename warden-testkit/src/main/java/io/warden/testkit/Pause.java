package io.warden.testkit;

/** The short sleep between polls of a condition. */
final class Pause {

    private Pause() {}

    static void briefly() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}

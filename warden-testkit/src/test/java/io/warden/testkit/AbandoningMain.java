package io.warden.testkit;

/**
 * Child JVM main for {@link LeakSafetyTest}: starts a server, prints "dir=PATH" and "pid=N", and exits
 * without closing it, as a crashed test run would.
 */
public final class AbandoningMain {

    private AbandoningMain() {}

    public static void main(String[] args) {
        RedisServer server = RedisServer.start();
        System.out.println("dir=" + server.dir());
        System.out.println("pid=" + server.pid());
        System.out.flush();
        System.exit(0);
    }
}

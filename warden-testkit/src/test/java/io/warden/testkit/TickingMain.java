package io.warden.testkit;

/**
 * Child JVM main for {@link ChildJvmTest}: prints "ready", writes "err-line" to stderr, then prints "tick
 * N" every 50 ms. With an argument "exit=N" it exits with code N right after "ready".
 */
public final class TickingMain {

    private TickingMain() {}

    public static void main(String[] args) throws InterruptedException {
        System.out.println("ready");
        System.out.flush();
        System.err.println("err-line");
        System.err.flush();
        if (args.length > 0 && args[0].startsWith("exit=")) {
            System.exit(Integer.parseInt(args[0].substring("exit=".length())));
        }
        for (long tick = 1; ; tick++) {
            Thread.sleep(50);
            System.out.println("tick " + tick);
            System.out.flush();
        }
    }
}

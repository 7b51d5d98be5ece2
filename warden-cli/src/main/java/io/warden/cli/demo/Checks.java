package io.warden.cli.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** What the demo verified, each a PASS or FAIL with the evidence in one line. */
public final class Checks {
    private record Check(String what, boolean passed, String evidence) {}

    private final List<Check> checks = new ArrayList<>();
    private final Timeline timeline;

    public Checks(Timeline timeline) {
        this.timeline = timeline;
    }

    /** Records a check and prints it as it happens. */
    public synchronized void check(String what, boolean passed, String evidence) {
        checks.add(new Check(what, passed, evidence));
        timeline.log("%s  %s (%s)", passed ? "PASS" : "FAIL", what, evidence);
    }

    public synchronized boolean allPassed() {
        return !checks.isEmpty() && checks.stream().allMatch(Check::passed);
    }

    /** The closing table: one row per check. */
    public synchronized void summary(PrintStream out) {
        out.println();
        out.println("Summary");
        for (Check check : checks) {
            out.printf("  %s  %s%n", check.passed() ? "PASS" : "FAIL", check.what());
        }
        long failed = checks.stream().filter(c -> !c.passed()).count();
        out.println(
                failed == 0
                        ? "All " + checks.size() + " checks passed."
                        : failed + " of " + checks.size() + " checks FAILED.");
        out.flush();
    }
}

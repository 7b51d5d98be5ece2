package io.warden.chaos;

import io.warden.LeaderElection;
import io.warden.LeaderListener;
import io.warden.LeaderTerm;
import io.warden.LeaseLostEvent;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * One candidate of a leader-election chaos run (worker {@code mode=leader}): campaigns continuously
 * and records each term as a holding, so that the {@link Checker}'s rules apply to terms as they do to
 * leases. A term's holding begins ({@code OK}, info {@code mode=leader}) when {@code onElected} runs;
 * while {@code isActive()} says it still leads, the candidate writes to the fenced resource with the
 * term's token every 25 ms ({@code WRITE}, at the clock reading taken before asking); a term lost is
 * recorded by {@code onRevoked} ({@code LOST} with the cause, then {@code NOT_HELD}); after leading a
 * random 100–600 ms the candidate resigns ({@code RELEASE}, then {@code RELEASE_OK} or {@code
 * RELEASE_FAIL}) with a hold-off of up to 200 ms, so that terms pass between candidates even when no
 * fault hits the leader.
 */
final class LeaderCandidate implements LeaderListener {
    private static final long WRITE_EVERY_MILLIS = 25;

    private final LeaderElection election;
    private final History history;
    private final FencedResource resource;
    private final String process;
    private final int thread;
    private final Random random;

    // Guarded by this: a term's holding, from onElected until the writer or onRevoked ended it.
    private final Map<LeaderTerm, Long> holdings = new IdentityHashMap<>();
    /** Terms revoked before their onElected recorded them (onRevoked does not wait for onElected). */
    private final Map<LeaderTerm, Boolean> revokedEarly = new IdentityHashMap<>();

    private long counter;
    private volatile Term current;

    private record Term(LeaderTerm term, long holding, long token, long leadUntil) {}

    LeaderCandidate(
            LeaderElection election,
            History history,
            FencedResource resource,
            String process,
            int thread,
            Random random) {
        this.election = election;
        this.history = history;
        this.resource = resource;
        this.process = process;
        this.thread = thread;
        this.random = random;
    }

    @Override
    public void onElected(LeaderTerm term) {
        long token = term.fencingToken();
        synchronized (this) {
            if (revokedEarly.remove(term) != null) {
                return; // over before it could be recorded: it never led as far as the history knows
            }
            long holding = ++counter;
            holdings.put(term, holding);
            history.record(thread, Event.Type.OK, holding, token, -1, Checker.LEADER_TERM);
            long leadFor = Duration.ofMillis(100 + random.nextInt(500)).toNanos();
            current = new Term(term, holding, token, System.nanoTime() + leadFor);
        }
    }

    @Override
    public void onRevoked(LeaderTerm term, Optional<LeaseLostEvent> loss) {
        synchronized (this) {
            Long holding = holdings.remove(term);
            if (holding == null) {
                revokedEarly.put(term, Boolean.TRUE);
                return;
            }
            if (loss.isPresent()) {
                long token = term.fencingToken();
                history.record(
                        thread,
                        Event.Type.LOST,
                        holding,
                        token,
                        -1,
                        loss.get().cause().name());
                history.record(thread, Event.Type.NOT_HELD, holding, token, -1, "onRevoked");
            } else {
                holdings.put(term, holding); // resigned or closed: the writer records the release
            }
        }
    }

    /** Campaigns, leads and resigns until {@code stopping}; then closes the election. */
    void run(BooleanSupplier stopping) {
        election.start(this);
        long seq = 0;
        while (!stopping.getAsBoolean()) {
            Term term = current;
            if (term == null) {
                sleep(5);
                continue;
            }
            // Read the clock before asking: a pause between the two makes isActive() answer false.
            long checkedAt = System.nanoTime();
            if (!term.term().isActive()) {
                forget(term, checkedAt);
                continue;
            }
            if (checkedAt - term.leadUntil() >= 0) {
                resign(term, checkedAt);
                continue;
            }
            seq++;
            history.record(checkedAt, thread, Event.Type.WRITE, term.holding(), term.token(), seq, "");
            try {
                boolean accepted = resource.write(term.token(), process, thread, term.holding(), seq);
                history.record(
                        thread,
                        accepted ? Event.Type.WRITE_ACCEPTED : Event.Type.WRITE_REFUSED,
                        term.holding(),
                        term.token(),
                        seq,
                        "");
            } catch (RuntimeException e) {
                history.record(thread, Event.Type.WRITE_ERROR, term.holding(), term.token(), seq, e.toString());
            }
            sleep(WRITE_EVERY_MILLIS);
        }
        Term last = current;
        long checkedAt = System.nanoTime();
        if (last != null && last.term().isActive()) {
            history.record(checkedAt, thread, Event.Type.RELEASE, last.holding(), last.token(), -1, "close");
        }
        election.close();
        if (last != null) {
            endHolding(last, Event.Type.RELEASE_OK, "closed");
        }
    }

    private void resign(Term term, long checkedAt) {
        history.record(checkedAt, thread, Event.Type.RELEASE, term.holding(), term.token(), -1, "resign");
        try {
            election.resign(Duration.ofMillis(random.nextInt(200)));
            endHolding(term, Event.Type.RELEASE_OK, "resigned");
        } catch (RuntimeException e) {
            endHolding(term, Event.Type.RELEASE_FAIL, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** The writer found the term over (onRevoked records why, if it has not yet): stop writing for it. */
    private void forget(Term term, long checkedAt) {
        synchronized (this) {
            if (holdings.containsKey(term.term())) {
                history.record(checkedAt, thread, Event.Type.NOT_HELD, term.holding(), term.token(), -1, "isActive");
            }
            if (current == term) {
                current = null;
            }
        }
    }

    private void endHolding(Term term, Event.Type type, String info) {
        synchronized (this) {
            if (holdings.remove(term.term()) != null) {
                history.record(thread, type, term.holding(), term.token(), -1, info);
            }
            if (current == term) {
                current = null;
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

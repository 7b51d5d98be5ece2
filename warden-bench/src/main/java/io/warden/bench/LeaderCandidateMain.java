package io.warden.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.warden.LeaderElection;
import io.warden.LeaderListener;
import io.warden.LeaderTerm;
import io.warden.LeaseLostEvent;
import io.warden.Warden;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * A child JVM of S7: one leader-election candidate. Campaigns at once, prints {@code READY} once it
 * campaigns, and {@code ELECTED <nanoTime>} each time it becomes the leader (on the monotonic clock
 * that every process of the machine shares). Runs until it is killed.
 *
 * <p>Arguments: library id ({@code warden} or {@code naive}), Redis URI, election name, lease millis,
 * poll millis (the naive loop's period; Warden does not poll).
 */
public final class LeaderCandidateMain {
    private LeaderCandidateMain() {}

    public static void main(String[] args) throws Exception {
        Library library = Library.ofId(args[0]);
        String uri = args[1];
        String name = args[2];
        Duration lease = Duration.ofMillis(Long.parseLong(args[3]));
        long pollMillis = Long.parseLong(args[4]);
        switch (library) {
            case WARDEN -> warden(uri, name, lease);
            case NAIVE -> naive(uri, name, lease, pollMillis);
            default -> throw new IllegalArgumentException(library.label() + " has no leader election here");
        }
    }

    private static void warden(String uri, String name, Duration lease) throws InterruptedException {
        Warden warden = connect(() -> Warden.builder().uri(uri).build());
        LeaderElection election = warden.leader(name, lease);
        election.start(new LeaderListener() {
            @Override
            public void onElected(LeaderTerm term) {
                print("ELECTED " + System.nanoTime());
            }

            @Override
            public void onRevoked(LeaderTerm term, Optional<LeaseLostEvent> loss) {}
        });
        print("READY");
        Thread.sleep(Long.MAX_VALUE);
    }

    /**
     * The leader loop of countless blog posts: every poll, the leader extends its key if it still
     * holds it ({@code GET} then {@code PEXPIRE}, not atomic), and every other candidate tries {@code
     * SET key me NX PX lease}.
     */
    private static void naive(String uri, String name, Duration lease, long pollMillis) throws InterruptedException {
        RedisClient client = RedisClient.create(uri);
        StatefulRedisConnection<String, String> connection = connect(client::connect);
        RedisCommands<String, String> redis = connection.sync();
        String me = UUID.randomUUID().toString();
        SetArgs nxPx = SetArgs.Builder.nx().px(lease.toMillis());
        boolean leader = false;
        print("READY");
        while (true) {
            if (leader) {
                if (me.equals(redis.get(name))) {
                    redis.pexpire(name, lease.toMillis());
                } else {
                    leader = false;
                }
            } else if ("OK".equals(redis.set(name, me, nxPx))) {
                leader = true;
                print("ELECTED " + System.nanoTime());
            }
            Thread.sleep(pollMillis);
        }
    }

    /**
     * Connects, trying again for up to a minute: on a loaded machine a new JVM's first connection
     * handshake can time out, and a candidate that never campaigns would fail the run, not measure it.
     */
    private static <T> T connect(java.util.function.Supplier<T> connector) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                return connector.get();
            } catch (RuntimeException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static void print(String line) {
        System.out.println(line);
        System.out.flush();
    }
}

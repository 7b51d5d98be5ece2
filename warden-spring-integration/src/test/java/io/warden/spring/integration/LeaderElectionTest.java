package io.warden.spring.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.Warden;
import io.warden.testkit.Await;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.integration.leader.AbstractCandidate;
import org.springframework.integration.leader.Context;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;

/**
 * Spring Integration's own leader election ({@link LockRegistryLeaderInitiator}, the main user of a
 * {@code LockRegistry}) on three registries, each on its own Warden as three nodes would be: one
 * leader is elected, leadership moves when the leader yields and when it stops, and the others keep
 * re-checking the lock every heartbeat without taking it. The initiator re-locks a lock it holds on
 * every heartbeat and unlocks the extra hold, so this also exercises re-entrant holds on the
 * initiator's own thread.
 *
 * <p>Not asserted: that no two candidates are ever told {@code onGranted} at overlapping moments.
 * The initiator unlocks before it calls {@code onRevoked}, so the next leader may be granted before
 * the previous one hears it was revoked, whatever the registry does.
 */
@WithRedis
class LeaderElectionTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final RedisServer server;
    private final List<Warden> wardens = new ArrayList<>();
    private final List<LockRegistryLeaderInitiator> initiators = new ArrayList<>();
    private final Set<String> leaders = ConcurrentHashMap.newKeySet();

    LeaderElectionTest(RedisServer server) {
        this.server = server;
    }

    @AfterEach
    void stop() {
        initiators.forEach(LockRegistryLeaderInitiator::stop);
        wardens.forEach(Warden::close);
    }

    private LockRegistryLeaderInitiator node(String id) {
        Warden warden = Warden.builder()
                .uri(server.uri())
                .commandTimeout(Duration.ofSeconds(1))
                .build();
        wardens.add(warden);
        AbstractCandidate candidate = new AbstractCandidate(id, "leader") {
            @Override
            public void onGranted(Context ctx) {
                leaders.add(id);
            }

            @Override
            public void onRevoked(Context ctx) {
                leaders.remove(id);
            }
        };
        LockRegistryLeaderInitiator initiator =
                new LockRegistryLeaderInitiator(new WardenLockRegistry(warden, "election"), candidate);
        initiator.setHeartBeatMillis(200);
        initiator.setBusyWaitMillis(50);
        initiators.add(initiator);
        return initiator;
    }

    @Test
    void oneLeaderIsElectedAndLeadershipMovesOnYieldAndOnStop() throws Exception {
        LockRegistryLeaderInitiator a = node("a");
        LockRegistryLeaderInitiator b = node("b");
        LockRegistryLeaderInitiator c = node("c");
        a.start();
        b.start();
        c.start();

        Await.until("one leader", WAIT, () -> leaders.size() == 1);
        Thread.sleep(1_000); // five heartbeats: the others keep trying and must not get in
        assertThat(leaders).hasSize(1);
        String first = leaders.iterator().next();
        assertThat(server.command("EXISTS", "warden:{election:leader}")).isEqualTo(1L);

        LockRegistryLeaderInitiator leader =
                initiators.get(List.of("a", "b", "c").indexOf(first));
        leader.getContext().yield();
        Await.until("leadership moved on yield", WAIT, () -> leaders.size() == 1 && !leaders.contains(first));
        String second = leaders.iterator().next();

        initiators.get(List.of("a", "b", "c").indexOf(second)).stop();
        Await.until("leadership moved on stop", WAIT, () -> leaders.size() == 1 && !leaders.contains(second));
        Thread.sleep(600);
        assertThat(leaders).hasSize(1);
    }
}

package io.warden.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RedisServerGroupTest {

    @Test
    void startsIndependentServersAndClosesThemAll() {
        int live = RedisServer.liveServerCount();
        RedisServerGroup group = RedisServerGroup.start(3);
        List<RedisServer> servers = group.servers();

        assertThat(servers).hasSize(3);
        assertThat(RedisServer.liveServerCount()).isEqualTo(live + 3);
        assertThat(servers.stream().map(RedisServer::port).distinct()).hasSize(3);
        assertThat(group.get(1)).isSameAs(servers.get(1));
        assertThat(group.uris())
                .isEqualTo(servers.stream().map(RedisServer::uri).collect(Collectors.toList()))
                .allMatch(uri -> uri.matches("redis://127\\.0\\.0\\.1:\\d+"));
        group.get(0).command("SET", "k", "0");
        assertThat(group.get(1).command("GET", "k")).isNull();
        assertThat(group.get(2).info("replication").get("role")).isEqualTo("master");

        group.close();
        group.close();

        assertThat(servers).noneMatch(RedisServer::isRunning);
        assertThat(RedisServer.liveServerCount()).isEqualTo(live);
    }

    @Test
    void everyServerGetsTheBuildersSettings() {
        try (RedisServerGroup group =
                RedisServerGroup.start(2, RedisServer.builder().appendOnly(true))) {
            for (RedisServer server : group.servers()) {
                assertThat(server.command("CONFIG", "GET", "appendonly")).isEqualTo(List.of("appendonly", "yes"));
            }
        }
    }

    @Test
    void aFailedStartLeavesNoServerRunning() {
        int live = RedisServer.liveServerCount();

        // Both want the same fixed port: one starts, the other cannot, so the first is stopped again.
        assertThatThrownBy(() -> RedisServerGroup.start(2, RedisServer.builder().port(FreePorts.pick())))
                .isInstanceOf(IllegalStateException.class);

        assertThat(RedisServer.liveServerCount()).isEqualTo(live);
        assertThatThrownBy(() -> RedisServerGroup.start(0)).isInstanceOf(IllegalArgumentException.class);
    }
}

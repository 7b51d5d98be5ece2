package io.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A default password (WARDEN_REDIS_PASSWORD, Builder.password) reaches every kind of URI that names none. */
class RedisUrisPasswordTest {
    private static RedisCredentials credentials(RedisURI uri) {
        return uri.getCredentialsProvider().resolveCredentials().block(Duration.ofSeconds(1));
    }

    @Test
    void aUserWithoutPasswordIsTheUserThePasswordLogsInAs() {
        assertThat(RedisUris.userOnly("redis://locker@host:6379/0")).isEqualTo("locker");
        assertThat(RedisUris.userOnly("redis-sentinel://locker@a:26379,b:26379#main"))
                .isEqualTo("locker");
        assertThat(RedisUris.userOnly("redis-cluster://locker@a:7000,b:7001")).isEqualTo("locker");
        assertThat(RedisUris.userOnly("redis://user:pw@host")).isNull();
        assertThat(RedisUris.userOnly("redis://:pw@host")).isNull();
        assertThat(RedisUris.userOnly("redis://host/0?timeout=5s")).isNull();
    }

    @Test
    void aSentinelUriAndItsSentinelsGetThePasswordButOneNamedInTheUriWins() {
        RedisURI sentinel = RedisURI.create("redis-sentinel://a:26379,b:26380#main");
        RedisUris.withDefaultPassword(RedisUris.withTimeout(sentinel, Duration.ofSeconds(1)), "s3cret");
        assertThat(new String(credentials(sentinel).getPassword())).isEqualTo("s3cret");
        assertThat(sentinel.getSentinels())
                .allSatisfy(one ->
                        assertThat(new String(credentials(one).getPassword())).isEqualTo("s3cret"));

        RedisURI own = RedisURI.create("redis://user:mine@host");
        RedisUris.withDefaultPassword(own, "s3cret");
        assertThat(new String(credentials(own).getPassword())).isEqualTo("mine");
        assertThat(credentials(own).getUsername()).isEqualTo("user");
    }

    @Test
    void everyClusterSeedGetsThePassword() {
        for (RedisURI seed : RedisUris.clusterSeeds("redis-cluster://a:7000,b:7001")) {
            RedisUris.withDefaultPassword(seed, "s3cret");
            assertThat(new String(credentials(seed).getPassword())).isEqualTo("s3cret");
        }
    }
}

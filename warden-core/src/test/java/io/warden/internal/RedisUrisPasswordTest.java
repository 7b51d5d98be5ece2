package io.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

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
        RedisURI sentinel = RedisUris.withDefaultPassword(
                RedisUris.withTimeout(RedisURI.create("redis-sentinel://a:26379,b:26380#main"), Duration.ofSeconds(1)),
                "s3cret");
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
    void aSentinelUriIsCopiedWithEverySettingAndTheCallersUriIsLeftAsItWas() {
        RedisURI callers = RedisURI.create("rediss-sentinel://user:pw@a:26379,b:26380/3?timeout=9s#main");
        callers.setClientName("billing");
        callers.setVerifyPeer(false);

        RedisURI own = RedisUris.withDefaultPassword(RedisUris.withTimeout(callers, Duration.ofSeconds(1)), "other");

        assertThat(own).isNotSameAs(callers);
        assertThat(own.getTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(own.getSentinels())
                .hasSize(2)
                .allSatisfy(one -> assertThat(one.getTimeout()).isEqualTo(Duration.ofSeconds(1)));
        assertThat(own.getSentinels())
                .extracting(RedisURI::getHost, RedisURI::getPort)
                .containsExactly(tuple("a", 26379), tuple("b", 26380));
        assertThat(own.getSentinelMasterId()).isEqualTo("main");
        assertThat(own.getDatabase()).isEqualTo(3);
        assertThat(own.isSsl()).isTrue();
        assertThat(own.isVerifyPeer()).isFalse();
        assertThat(own.getClientName()).isEqualTo("billing");
        assertThat(credentials(own).getUsername()).isEqualTo("user");
        assertThat(new String(credentials(own).getPassword())).isEqualTo("pw");

        assertThat(callers.getTimeout()).as("the caller's URI is not changed").isEqualTo(Duration.ofSeconds(9));
        assertThat(callers.getSentinels())
                .allSatisfy(one -> assertThat(one.getTimeout()).isEqualTo(Duration.ofSeconds(9)));
    }

    @Test
    void everyClusterSeedGetsThePassword() {
        for (RedisURI seed : RedisUris.clusterSeeds("redis-cluster://a:7000,b:7001")) {
            RedisUris.withDefaultPassword(seed, "s3cret");
            assertThat(new String(credentials(seed).getPassword())).isEqualTo("s3cret");
        }
    }
}

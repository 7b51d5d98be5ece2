package io.warden.internal;

import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisReactiveCommandsImpl;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.protocol.PushHandler;
import io.lettuce.core.pubsub.PubSubEndpoint;
import io.lettuce.core.pubsub.RedisPubSubReactiveCommandsImpl;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnectionImpl;
import io.lettuce.core.pubsub.api.sync.RedisPubSubCommands;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A Lettuce client whose connections offer only their asynchronous API, which is all Warden uses.
 *
 * <p>Lettuce builds each connection's synchronous API as a dynamic proxy over some 450 methods and
 * its reactive API as a second object graph, eagerly, in the connection's constructor. For a
 * command connection and a pub/sub connection that cost about 0.2 s of CPU per start of the {@code
 * warden} command on this project's build machine (0.93 s of user CPU before, 0.72 s without them;
 * docs/benchmarks-analysis.md), and Warden never calls them. The connections made here return
 * {@code null} from {@code sync()} and {@code reactive()}; they are never handed to callers.
 *
 * <p>Uses Lettuce's protected factory methods, which exist for such subclasses. A caller-supplied
 * client ({@code Warden.builder().client(...)}) is used as it is.
 */
final class AsyncOnlyRedisClient extends RedisClient {

    /** {@code resources} null: the client creates and owns its own, as {@code RedisClient.create} does. */
    AsyncOnlyRedisClient(@Nullable ClientResources resources, RedisURI uri) {
        super(resources, uri);
    }

    @Override
    protected <K, V> StatefulRedisConnectionImpl<K, V> newStatefulRedisConnection(
            RedisChannelWriter writer, PushHandler pushHandler, RedisCodec<K, V> codec, Duration timeout) {
        return new AsyncConnection<>(writer, pushHandler, codec, timeout);
    }

    @Override
    protected <K, V> StatefulRedisPubSubConnectionImpl<K, V> newStatefulRedisPubSubConnection(
            PubSubEndpoint<K, V> endpoint, RedisChannelWriter writer, RedisCodec<K, V> codec, Duration timeout) {
        return new AsyncPubSubConnection<>(endpoint, writer, codec, timeout);
    }

    private static final class AsyncConnection<K, V> extends StatefulRedisConnectionImpl<K, V> {
        AsyncConnection(RedisChannelWriter writer, PushHandler pushHandler, RedisCodec<K, V> codec, Duration timeout) {
            super(writer, pushHandler, codec, timeout);
        }

        @Override
        @SuppressWarnings("NullAway") // Never called by Warden; see the class comment.
        protected RedisCommands<K, V> newRedisSyncCommandsImpl() {
            return null;
        }

        @Override
        @SuppressWarnings("NullAway")
        protected RedisReactiveCommandsImpl<K, V> newRedisReactiveCommandsImpl() {
            return null;
        }
    }

    private static final class AsyncPubSubConnection<K, V> extends StatefulRedisPubSubConnectionImpl<K, V> {
        AsyncPubSubConnection(
                PubSubEndpoint<K, V> endpoint, RedisChannelWriter writer, RedisCodec<K, V> codec, Duration timeout) {
            super(endpoint, writer, codec, timeout);
        }

        @Override
        @SuppressWarnings("NullAway")
        protected RedisPubSubCommands<K, V> newRedisSyncCommandsImpl() {
            return null;
        }

        @Override
        @SuppressWarnings("NullAway")
        protected RedisPubSubReactiveCommandsImpl<K, V> newRedisReactiveCommandsImpl() {
            return null;
        }
    }
}

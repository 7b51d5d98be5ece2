package io.warden.testkit;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves parameters of type {@link RedisServer}: each one gets a new server (options from {@link
 * RedisOptions}), independent of every other parameter. A server resolved for a test method, a
 * {@code @BeforeEach}/{@code @AfterEach} method or a per-method test constructor is closed after that
 * test, pass or fail; one resolved for a {@code @BeforeAll} method or a per-class test constructor is
 * closed after the class. Does not share servers between tests or reset their data: a test that wants a
 * shared server takes it in {@code @BeforeAll} and flushes it itself.
 */
public final class RedisExtension implements ParameterResolver, AfterEachCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RedisExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RedisServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        boolean appendOnly = parameter
                .findAnnotation(RedisOptions.class)
                .map(RedisOptions::appendOnly)
                .orElse(false);
        RedisServer server = RedisServer.builder().appendOnly(appendOnly).start();
        serversOf(context).add(server);
        return server;
    }

    @Override
    public ExtensionContextScope getTestInstantiationExtensionContextScope(ExtensionContext rootContext) {
        // Constructor parameters of a per-method test instance belong to that test, not to the class.
        return ExtensionContextScope.TEST_METHOD;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        serversOf(context).close();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        serversOf(context).close();
    }

    /**
     * The servers started for exactly this context. Keyed by the context's id because store lookups fall
     * back to parent contexts. The store also closes them when the context ends, as a backstop.
     */
    private static Servers serversOf(ExtensionContext context) {
        return context.getStore(NAMESPACE)
                .getOrComputeIfAbsent(context.getUniqueId(), id -> new Servers(), Servers.class);
    }

    /** The servers of one context; closing closes them all, idempotently. */
    private static final class Servers implements AutoCloseable {
        private final List<RedisServer> servers = new ArrayList<>();

        synchronized void add(RedisServer server) {
            servers.add(server);
        }

        @Override
        public synchronized void close() {
            RuntimeException failure = null;
            for (RedisServer server : servers) {
                try {
                    server.close();
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            servers.clear();
            if (failure != null) {
                throw failure;
            }
        }
    }
}

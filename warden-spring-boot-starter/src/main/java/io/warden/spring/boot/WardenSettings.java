package io.warden.spring.boot;

import io.warden.Warden;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Turns {@link WardenProperties} into a configured {@link Warden.Builder}. Every value the builder
 * refuses fails with a message that starts with the property's name, so a bad setting stops startup
 * with a pointer to the line to fix.
 */
final class WardenSettings {
    private final WardenProperties properties;

    WardenSettings(WardenProperties properties) {
        this.properties = properties;
    }

    /** True if {@code warden.*} says where Redis is. */
    boolean namesTarget() {
        return !targets().isEmpty();
    }

    private List<String> targets() {
        List<String> named = new ArrayList<>();
        if (hasText(properties.getUri())) {
            named.add("warden.uri");
        }
        if (hasText(properties.getSentinel().getMaster())
                || !properties.getSentinel().getNodes().isEmpty()) {
            named.add("warden.sentinel.*");
        }
        if (!properties.getCluster().getNodes().isEmpty()) {
            named.add("warden.cluster.nodes");
        }
        if (!properties.getRedlock().getNodes().isEmpty()) {
            named.add("warden.redlock.nodes");
        }
        return named;
    }

    /**
     * A builder with every {@code warden.*} setting applied; {@code fallback} says where Redis is when
     * {@code warden.*} does not.
     *
     * @throws IllegalArgumentException naming the property whose value is refused
     */
    Warden.Builder builder(@Nullable RedisTarget fallback) {
        Warden.Builder builder = Warden.builder();
        List<String> named = targets();
        if (named.size() > 1) {
            throw new IllegalArgumentException(
                    String.join(" and ", named) + ": name Redis in one way only, they exclude each other");
        }
        if (!named.isEmpty()) {
            applyTarget(builder, named.get(0));
        } else if (fallback != null) {
            fallback.applyTo(builder);
        }
        WardenProperties p = properties;
        set("warden.key-prefix", p.getKeyPrefix(), builder::keyPrefix);
        set("warden.lease-time", p.getLeaseTime(), builder::defaultLeaseTime);
        set("warden.wait-time", p.getWaitTime(), builder::defaultWait);
        set("warden.command-timeout", p.getCommandTimeout(), builder::commandTimeout);
        set("warden.fencing", p.getFencing(), builder::fencing);
        set("warden.fencing-tokens", p.getFencingTokens(), builder::fencingTokens);
        set("warden.renewals-per-lease", p.getRenewalsPerLease(), builder::renewalsPerLease);
        set("warden.loss-policy", p.getLossPolicy(), builder::lossPolicy);
        if (p.getReplicaAcks().getCount() != 0) {
            set(
                    "warden.replica-acks",
                    p.getReplicaAcks(),
                    acks -> builder.replicaAcks(acks.getCount(), acks.getTimeout()));
        }
        return builder;
    }

    private void applyTarget(Warden.Builder builder, String property) {
        WardenProperties p = properties;
        switch (property) {
            case "warden.uri" -> set(property, p.getUri(), builder::uri);
            case "warden.cluster.nodes" -> set(property, clusterUri(), builder::uri);
            case "warden.redlock.nodes" -> set(property, p.getRedlock().getNodes(), builder::redlock);
            default -> set(property, p.getSentinel(), s -> builder.uri(sentinelUri(s)));
        }
    }

    private String clusterUri() {
        return (properties.isSsl() ? "rediss-cluster://" : "redis-cluster://")
                + userInfo(properties.getUsername(), properties.getPassword())
                + String.join(",", properties.getCluster().getNodes());
    }

    private io.lettuce.core.RedisURI sentinelUri(WardenProperties.Sentinel sentinel) {
        if (!hasText(sentinel.getMaster())) {
            throw new IllegalArgumentException("warden.sentinel.master is required with warden.sentinel.nodes");
        }
        if (sentinel.getNodes().isEmpty()) {
            throw new IllegalArgumentException("warden.sentinel.nodes is required with warden.sentinel.master");
        }
        List<HostPort> nodes = new ArrayList<>();
        for (String node : sentinel.getNodes()) {
            nodes.add(HostPort.parse(node));
        }
        return Uris.sentinel(
                sentinel.getMaster(),
                nodes,
                sentinel.getPassword(),
                properties.getUsername(),
                properties.getPassword(),
                sentinel.getDatabase(),
                properties.isSsl());
    }

    static String userInfo(@Nullable String username, @Nullable String password) {
        if (!hasText(password)) {
            return "";
        }
        String encoded = URLEncoder.encode(password, StandardCharsets.UTF_8);
        return hasText(username)
                ? URLEncoder.encode(username, StandardCharsets.UTF_8) + ":" + encoded + "@"
                : encoded + "@";
    }

    /** Applies {@code value} unless unset; a refusal is rethrown with the property's name in front. */
    private static <T> void set(String property, @Nullable T value, Consumer<T> setter) {
        if (value == null) {
            return;
        }
        try {
            setter.accept(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
        }
    }

    static boolean hasText(@Nullable String s) {
        return s != null && !s.isBlank();
    }
}

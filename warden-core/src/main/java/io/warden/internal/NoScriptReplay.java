package io.warden.internal;

import io.lettuce.core.protocol.RedisCommand;
import java.util.function.Predicate;

/**
 * Lettuce resends unanswered commands after a reconnect. For Warden's scripts that replay is blind:
 * a release resent after its first run landed would find the key gone and look like a loss, and an
 * acquire resent long after its caller gave up could take a lock nobody waits for. So the clients
 * Warden creates drop its scripts from the replay: an unanswered script then times out, which the
 * engine treats as an unknown outcome (give back, or retry with the same owner token) under its
 * own control. A caller's own client keeps its settings; Warden's scripts are safe to repeat with
 * the same owner token either way.
 */
final class NoScriptReplay implements Predicate<RedisCommand<?, ?, ?>> {
    static final NoScriptReplay INSTANCE = new NoScriptReplay();

    private NoScriptReplay() {}

    @Override
    public boolean test(RedisCommand<?, ?, ?> command) {
        String type = command.getType().toString();
        return type.equals("EVALSHA") || type.equals("EVAL");
    }
}

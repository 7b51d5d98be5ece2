package io.warden.internal;

import java.util.List;

/** Which script replies mean that the script wrote, so that its replication matters. */
final class ReplicaAcks {
    private ReplicaAcks() {}

    static boolean wrote(LuaScript script, Object reply) {
        return switch (script) {
            case ACQUIRE ->
                reply instanceof List<?> list
                        && !list.isEmpty()
                        && Long.valueOf(1).equals(list.get(0));
            case EXTEND -> reply instanceof List<?> list && list.contains(1L);
            case RELEASE -> Long.valueOf(1).equals(reply) || Long.valueOf(2).equals(reply);
            case FORCE_RELEASE ->
                reply instanceof List<?> list
                        && !list.isEmpty()
                        && Long.valueOf(1).equals(list.get(0));
            default -> false;
        };
    }
}

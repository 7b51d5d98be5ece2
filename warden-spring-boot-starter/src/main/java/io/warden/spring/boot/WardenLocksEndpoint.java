package io.warden.spring.boot;

import io.warden.HolderInfo;
import io.warden.LockAdmin;
import io.warden.LockInfo;
import io.warden.Warden;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * Actuator endpoint {@code wardenlocks}: the locks held under the Warden's key prefix, with holder,
 * fencing token and TTL ({@link LockAdmin#list}, found with {@code SCAN}, cost growing with the
 * database), one lock by name, and force-unlock.
 *
 * <p>Read-only by default ({@link Access#READ_ONLY}): force-unlock, a write operation, answers only
 * after {@code management.endpoint.wardenlocks.access=unrestricted}, and like every endpoint this one
 * must be exposed explicitly ({@code management.endpoints.web.exposure.include=wardenlocks}). Secure
 * it like any write endpoint: force-unlock lets a second holder in while the first may still run
 * (see {@link LockAdmin#forceUnlock}).
 */
@Endpoint(id = "wardenlocks", defaultAccess = Access.READ_ONLY)
public class WardenLocksEndpoint {
    private final Warden warden;

    public WardenLocksEndpoint(Warden warden) {
        this.warden = warden;
    }

    /** Held locks whose names start with {@code prefix} (all when absent), sorted by name. */
    @ReadOperation
    public Locks locks(@Nullable String prefix) {
        List<LockView> locks = warden.admin().list(prefix == null ? "" : prefix).stream()
                .map(LockView::of)
                .toList();
        return new Locks(warden.redisAddress(), locks);
    }

    /** One lock's state, held or not. */
    @ReadOperation
    public LockView lock(@Selector String name) {
        return LockView.of(warden.admin().inspect(name));
    }

    /**
     * Deletes the lock whoever holds it; answers with what was removed: the lock as it was (its holder,
     * when the key recorded one), or {@code removed: false} when there was nothing to remove.
     */
    @WriteOperation
    public Map<String, Object> forceUnlock(@Selector String name) {
        return warden.admin()
                .forceUnlock(name)
                .<Map<String, Object>>map(
                        removed -> Map.of("name", name, "removed", true, "lock", LockView.of(removed)))
                .orElseGet(() -> Map.of("name", name, "removed", false));
    }

    /** The endpoint's answer to a listing. */
    public record Locks(String redis, List<LockView> locks) {}

    /** One lock, for JSON; {@code ttlMillis} is -1 for a key without expiry. */
    public record LockView(
            String name, String state, @Nullable HolderView holder, long ttlMillis, long lastFencingToken) {
        static LockView of(LockInfo info) {
            return new LockView(
                    info.name(),
                    info.state().name(),
                    info.holder().map(HolderView::of).orElse(null),
                    info.ttl().map(Duration::toMillis).orElse(-1L),
                    info.lastFencingToken());
        }
    }

    /** Who holds a lock, for JSON. */
    public record HolderView(String host, long pid, String since, long fencingToken) {
        static HolderView of(HolderInfo holder) {
            return new HolderView(holder.host(), holder.pid(), holder.since().toString(), holder.fencingToken());
        }
    }
}

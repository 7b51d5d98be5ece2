package io.warden.spring.boot;

import io.warden.HolderInfo;
import io.warden.LockAdmin;
import io.warden.LockInfo;
import io.warden.ReadWriteLockInfo;
import io.warden.SemaphoreInfo;
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
 * fencing token, TTL and fair queue ({@link LockAdmin#list}), the semaphores with their limit and
 * holders ({@link LockAdmin#listSemaphores}) and the read-write locks in use with their writer,
 * readers, waiting writer and waiting readers ({@link LockAdmin#listReadWrite}), all found with
 * {@code SCAN}, cost growing with the database; one lock by name; and force-unlock.
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

    /**
     * Held locks, semaphores and read-write locks in use whose names start with {@code prefix} (all
     * when absent), each list sorted by name.
     */
    @ReadOperation
    public Locks locks(@Nullable String prefix) {
        String namePrefix = prefix == null ? "" : prefix;
        LockAdmin admin = warden.admin();
        List<LockView> locks = admin.list(namePrefix).stream().map(LockView::of).toList();
        List<SemaphoreView> semaphores =
                semaphores(admin, namePrefix).stream().map(SemaphoreView::of).toList();
        List<ReadWriteView> readWrite =
                admin.listReadWrite(namePrefix).stream().map(ReadWriteView::of).toList();
        return new Locks(warden.redisAddress(), locks, semaphores, readWrite);
    }

    /** None on Redlock, which serves no semaphores. */
    private static List<SemaphoreInfo> semaphores(LockAdmin admin, String namePrefix) {
        try {
            return admin.listSemaphores(namePrefix);
        } catch (UnsupportedOperationException redlock) {
            return List.of();
        }
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

    /**
     * The endpoint's answer to a listing.
     *
     * @param readWriteLocks read-write locks held, waited for by a writer or readers, or holding data
     *     Warden did not write
     */
    public record Locks(
            String redis, List<LockView> locks, List<SemaphoreView> semaphores, List<ReadWriteView> readWriteLocks) {}

    /**
     * One lock, for JSON; {@code ttlMillis} is -1 for a key without expiry. {@code queued} counts the
     * waiters in its fair queue ({@link Warden#fairLock}), {@code nextInQueue} the head one.
     */
    public record LockView(
            String name,
            String state,
            @Nullable HolderView holder,
            long ttlMillis,
            long lastFencingToken,
            long queued,
            @Nullable WaiterView nextInQueue) {
        static LockView of(LockInfo info) {
            return new LockView(
                    info.name(),
                    info.state().name(),
                    info.holder().map(HolderView::of).orElse(null),
                    info.ttl().map(Duration::toMillis).orElse(-1L),
                    info.lastFencingToken(),
                    info.queued(),
                    info.nextInQueue().map(WaiterView::of).orElse(null));
        }
    }

    /**
     * One semaphore, for JSON: its stored limit ({@code null} if none), units held, and each holder;
     * {@code foreignKey} names a key of it that holds data Warden did not write.
     */
    public record SemaphoreView(
            String name,
            @Nullable Integer permits,
            int unitsHeld,
            long lastFencingToken,
            List<PermitView> holders,
            @Nullable String foreignKey) {
        static SemaphoreView of(SemaphoreInfo info) {
            return new SemaphoreView(
                    info.name(),
                    info.permits().orElse(null),
                    info.unitsHeld(),
                    info.lastFencingToken(),
                    info.holders().stream().map(PermitView::of).toList(),
                    info.foreignKey().orElse(null));
        }
    }

    /** One held permit of a semaphore, for JSON. */
    public record PermitView(int units, @Nullable HolderView holder, long ttlMillis) {
        static PermitView of(SemaphoreInfo.PermitHolderInfo permit) {
            return new PermitView(
                    permit.units(),
                    permit.holder().map(HolderView::of).orElse(null),
                    permit.ttl().toMillis());
        }
    }

    /**
     * One read-write lock, for JSON: {@code state} is HELD, FREE (only waiters are left: a writer, or
     * readers registered as admitted to the next read phase or waiting behind a waiting writer) or
     * FOREIGN ({@code foreignKey} names the key holding data Warden did not write).
     */
    public record ReadWriteView(
            String name,
            String state,
            @Nullable ShareView writer,
            List<ShareView> readers,
            @Nullable ShareView waitingWriter,
            int admittedReaders,
            int waitingReaders,
            long lastFencingToken,
            @Nullable String foreignKey) {
        static ReadWriteView of(ReadWriteLockInfo info) {
            return new ReadWriteView(
                    info.name(),
                    info.foreignKey().isPresent() ? "FOREIGN" : info.isHeld() ? "HELD" : "FREE",
                    info.writer().map(ShareView::of).orElse(null),
                    info.readers().stream().map(ShareView::of).toList(),
                    info.waitingWriter().map(ShareView::of).orElse(null),
                    info.admittedReaders(),
                    info.waitingReaders(),
                    info.lastFencingToken(),
                    info.foreignKey().orElse(null));
        }
    }

    /** A read-write lock's writer, reader or waiting writer; {@code ttlMillis} -1 for no expiry. */
    public record ShareView(@Nullable HolderView holder, long ttlMillis) {
        static ShareView of(ReadWriteLockInfo.Share share) {
            return new ShareView(
                    share.holder().map(HolderView::of).orElse(null),
                    share.ttl().map(Duration::toMillis).orElse(-1L));
        }
    }

    /** A fair-queue waiter: its ticket records host and pid only. */
    public record WaiterView(String host, long pid) {
        static WaiterView of(HolderInfo waiter) {
            return new WaiterView(waiter.host(), waiter.pid());
        }
    }

    /** Who holds a lock, for JSON. */
    public record HolderView(String host, long pid, String since, long fencingToken) {
        static HolderView of(HolderInfo holder) {
            return new HolderView(holder.host(), holder.pid(), holder.since().toString(), holder.fencingToken());
        }
    }
}

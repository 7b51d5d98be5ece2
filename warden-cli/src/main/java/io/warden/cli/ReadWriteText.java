package io.warden.cli;

import io.warden.ReadWriteLockInfo;
import java.util.stream.Collectors;

/** How {@code list}, {@code status} and {@code unlock} describe a read-write lock in text. */
final class ReadWriteText {
    private ReadWriteText() {}

    /** One line: the writer, the readers, a waiting writer and waiting readers, with their leases left. */
    static String describe(ReadWriteLockInfo info) {
        StringBuilder text = new StringBuilder("read-write lock '" + Names.shown(info.name()) + "'");
        if (info.foreignKey().isPresent()) {
            return text + ": its key '" + Names.shown(info.foreignKey().get()) + "' holds data Warden did not write";
        }
        if (info.writer().isPresent()) {
            text.append(" is written by ").append(share(info.writer().get()));
        } else if (!info.readers().isEmpty()) {
            text.append(" is read by ")
                    .append(info.readers().size())
                    .append(info.readers().size() == 1 ? " reader" : " readers");
        } else {
            text.append(" is free");
        }
        if (!info.readers().isEmpty()) {
            text.append(": ")
                    .append(info.readers().stream().map(ReadWriteText::share).collect(Collectors.joining("; ")));
        }
        info.waitingWriter()
                .ifPresent(waiting -> text.append("; a writer waits (new readers wait behind it): ")
                        .append(waiting.holder()
                                .map(h -> h.host() + " pid " + h.pid())
                                .orElse("unknown")));
        if (info.admittedReaders() > 0) {
            text.append("; ")
                    .append(readers(info.admittedReaders()))
                    .append(" admitted to the next read phase (the next writer waits for them)");
        }
        if (info.waitingReaders() > 0) {
            text.append("; ").append(readers(info.waitingReaders())).append(" waiting behind the waiting writer");
        }
        return text.append("; last fencing token ")
                .append(info.lastFencingToken())
                .toString();
    }

    private static String readers(int count) {
        return count + (count == 1 ? " reader" : " readers");
    }

    private static String share(ReadWriteLockInfo.Share share) {
        return share.holder().map(StatusCommand::holder).orElse("an unknown holder")
                + share.ttl().map(ttl -> ", " + Durations.brief(ttl) + " left").orElse(", no expiry");
    }
}

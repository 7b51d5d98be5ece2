package io.warden.chaos;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One recorded step of a chaos run, as one JSON line. Times are {@link System#nanoTime()} readings,
 * which on Linux come from CLOCK_MONOTONIC and are comparable across the processes of one machine.
 *
 * @param time when it happened (for {@link Type#WRITE} and {@link Type#RELEASE}: when the holder read
 *     the clock just before asking {@code isHeld()})
 * @param process the worker process ({@code w<slot>.<generation>}) or {@code nemesis}
 * @param pid the operating-system pid of the process that recorded it
 * @param thread the worker thread, or -1
 * @param type what happened
 * @param holding the thread's acquisition number, identifying one holding with process and thread
 * @param token the fencing token, or -1
 * @param seq the write number within the holding, or -1
 * @param info free text: a loss cause, an error, a fault description
 */
public record Event(
        long time, String process, long pid, int thread, Type type, long holding, long token, long seq, String info) {

    /** The kinds of step; names in the file are lower-case with dashes. */
    public enum Type {
        /** A worker started; info is its mode. */
        START,
        /** An acquire was invoked. */
        INVOKE,
        /** The acquire returned a lease (acquire confirmed). */
        OK,
        /** The acquire failed; info says why. */
        FAIL,
        /** The holder saw {@code isHeld()} true and is about to write with its token. */
        WRITE,
        /** The resource accepted the write. */
        WRITE_ACCEPTED,
        /** The resource refused the write: a higher token had been accepted. */
        WRITE_REFUSED,
        /** The write did not reach the resource. */
        WRITE_ERROR,
        /** The holder's onLost listener ran; info is the cause. */
        LOST,
        /** The holder saw {@code isHeld()} false during its hold. */
        NOT_HELD,
        /** The holder saw {@code isHeld()} true and sends the release. */
        RELEASE,
        /**
         * A {@code callLocked}/{@code runLocked} task body started; info is {@code held=<true|false>}, the
         * body's own {@code isHeldByCurrentThread()} on entry (clock read before asking), then the call.
         */
        TASK_START,
        /** The task body saw {@code isHeldByCurrentThread()} true (clock read before asking). */
        TASK_HELD,
        /** The task body saw {@code isHeldByCurrentThread()} false and stops working. */
        TASK_NOT_HELD,
        /** The task body returned (or was interrupted); info says how. */
        TASK_END,
        /** Redis confirmed the release. */
        RELEASE_OK,
        /** The release failed; info says why. */
        RELEASE_FAIL,
        /** A worker stopped cleanly after its threads ended. */
        DONE,
        /** The nemesis started a fault; info is the fault and its target. */
        FAULT,
        /** The nemesis ended (healed) the fault it last started. */
        HEAL;

        String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        static Type ofWireName(String name) {
            return valueOf(name.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }

    public Event {
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(info, "info");
    }

    /** The holding this event belongs to, as {@code process/thread/holding}. */
    public String holdingId() {
        return process + "/" + thread + "/" + holding;
    }

    /** One line of JSON, without the line break. */
    public String toJson() {
        return "{\"t\":" + time + ",\"p\":" + Json.quote(process) + ",\"pid\":" + pid + ",\"th\":" + thread
                + ",\"ty\":" + Json.quote(type.wireName()) + ",\"h\":" + holding + ",\"tok\":" + token + ",\"s\":"
                + seq + ",\"i\":" + Json.quote(info) + "}";
    }

    /** Parses a line written by {@link #toJson()}. */
    public static Event parse(String line) {
        Map<String, String> fields = new LinkedHashMap<>(Json.parseFlatObject(line));
        return new Event(
                Long.parseLong(fields.get("t")),
                fields.get("p"),
                Long.parseLong(fields.get("pid")),
                Integer.parseInt(fields.get("th")),
                Type.ofWireName(fields.get("ty")),
                Long.parseLong(fields.get("h")),
                Long.parseLong(fields.get("tok")),
                Long.parseLong(fields.get("s")),
                fields.get("i"));
    }
}

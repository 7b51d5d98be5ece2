package io.warden.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where warden stands towards a terminal, read from {@code /proc/self/stat} (Linux; elsewhere: unknown). */
final class Terminal {
    private Terminal() {}

    /**
     * True if warden's process group is the foreground group of its terminal: then Ctrl-C, Ctrl-\ and a
     * hangup reach every process of the group, the command included, without warden's help.
     */
    static boolean isForegroundJob() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // After "pid (comm) ": state ppid pgrp session tty_nr tpgid ...; comm may hold spaces and ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long processGroup = Long.parseLong(fields[2]);
            long terminalForeground = Long.parseLong(fields[5]);
            return terminalForeground > 0 && terminalForeground == processGroup;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}

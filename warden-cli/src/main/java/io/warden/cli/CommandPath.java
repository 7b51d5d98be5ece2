package io.warden.cli;

import java.io.File;
import java.io.IOException;
import java.util.Optional;

/**
 * Finds the command as execvp(3) would, before it is started, so that warden, not a wrapper it starts
 * the command through, says why it cannot run: 127 when there is no such file, 126 when it is a
 * directory or not executable, as shells do.
 */
final class CommandPath {
    /** The command cannot be started; {@link #exitCode()} is 126 or 127. */
    static final class CannotRunException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int exitCode;

        CannotRunException(String reason, int exitCode) {
            super(reason);
            this.exitCode = exitCode;
        }

        int exitCode() {
            return exitCode;
        }
    }

    private CommandPath() {}

    /**
     * Checks that {@code program} can be started with the search path {@code path} (null: execvp's
     * default).
     *
     * @throws CannotRunException if not, with the reason
     */
    static void check(String program, String path) throws CannotRunException {
        if (program.contains("/")) {
            Optional<CannotRunException> problem = problem(new File(program));
            if (problem.isPresent()) {
                throw problem.get();
            }
            return;
        }
        boolean foundButNotExecutable = false;
        for (String directory : (path == null ? "/bin:/usr/bin" : path).split(":", -1)) {
            File candidate = new File(directory.isEmpty() ? "." : directory, program);
            Optional<CannotRunException> problem = problem(candidate);
            if (problem.isEmpty()) {
                return;
            }
            foundButNotExecutable |= problem.get().exitCode() == ExitCodes.CANNOT_RUN && !candidate.isDirectory();
        }
        throw foundButNotExecutable
                ? new CannotRunException("Permission denied", ExitCodes.CANNOT_RUN)
                : new CannotRunException("No such file or directory", ExitCodes.NOT_FOUND);
    }

    private static Optional<CannotRunException> problem(File file) {
        if (!file.exists()) {
            return Optional.of(new CannotRunException("No such file or directory", ExitCodes.NOT_FOUND));
        }
        if (file.isDirectory()) {
            return Optional.of(new CannotRunException("is a directory", ExitCodes.CANNOT_RUN));
        }
        if (!file.canExecute()) {
            return Optional.of(new CannotRunException("Permission denied", ExitCodes.CANNOT_RUN));
        }
        return Optional.empty();
    }
}

package io.warden.internal;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.warden.RedisUnavailableException;
import io.warden.WardenException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/** Turns client-library failures into Warden's exceptions, naming the lock and the address. */
final class Failures {
    private Failures() {}

    static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /** A Warden exception for a failed {@code operation} on {@code lockName}. */
    static WardenException translate(Throwable error, @Nullable String lockName, String address, String operation) {
        Throwable cause = unwrap(error);
        if (cause instanceof WardenException warden) {
            return warden;
        }
        String message = cause.getMessage() == null ? "" : cause.getMessage();
        if (cause instanceof ReplicaAckException) {
            return new RedisUnavailableException(
                    lockName, address, operation + " was not acknowledged by enough replicas: " + message, cause);
        }
        if (cause instanceof RedisCommandTimeoutException || cause instanceof TimeoutException) {
            return new RedisUnavailableException(
                    lockName, address, operation + " timed out: " + rootMessage(cause), cause);
        }
        if (cause instanceof CancellationException) {
            return new RedisUnavailableException(lockName, address, operation + " was cancelled", cause);
        }
        return new RedisUnavailableException(lockName, address, operation + " failed: " + rootMessage(cause), cause);
    }

    /**
     * Server errors that pass: a server loading its data, a replica not yet promoted, a master
     * without its replicas, a busy script, a Cluster moving slots, memory full until keys expire.
     */
    private static final List<String> PASSING_SERVER_ERRORS =
            List.of("LOADING", "READONLY", "MASTERDOWN", "BUSY", "TRYAGAIN", "CLUSTERDOWN", "OOM", "NOREPLICAS");

    /**
     * Whether {@code error} may pass by itself, so that a caller with time left may try again: the
     * connection failed, a command timed out, replicas did not acknowledge, or the server answered
     * with one of the {@link #PASSING_SERVER_ERRORS}. Not: authentication and permission errors,
     * unknown commands, foreign data, anything Warden itself decided.
     */
    static boolean passing(Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof RedisCommandExecutionException execution) {
            String message = execution.getMessage() == null ? "" : execution.getMessage();
            return PASSING_SERVER_ERRORS.stream()
                    .anyMatch(code -> message.startsWith(code + " ") || message.equals(code));
        }
        return cause instanceof RedisException // connection and timeout failures of the client
                || cause instanceof TimeoutException
                || cause instanceof IOException
                || cause instanceof ReplicaAckException;
    }

    /** Wraps {@code failure} to fail a dependent future with it. */
    static java.util.concurrent.CompletionException completion(Throwable failure) {
        return new java.util.concurrent.CompletionException(failure);
    }

    static String rootMessage(Throwable error) {
        Throwable current = unwrap(error);
        String message = current.getMessage();
        while (current.getCause() != null && current.getCause() != current) {
            current = current.getCause();
            if (current.getMessage() != null) {
                message = message == null ? current.getMessage() : message + ": " + current.getMessage();
            }
        }
        return message == null ? current.getClass().getSimpleName() : message;
    }
}

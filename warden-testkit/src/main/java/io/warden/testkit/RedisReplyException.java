package io.warden.testkit;

/** An error reply from Redis (a RESP {@code -ERR ...} line), carrying the server's error text. */
public final class RedisReplyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String reply;

    RedisReplyException(String reply) {
        super(reply);
        this.reply = reply;
    }

    /** The error text as Redis sent it, for example {@code "ERR unknown command 'FOO'"}. */
    public String reply() {
        return reply;
    }
}

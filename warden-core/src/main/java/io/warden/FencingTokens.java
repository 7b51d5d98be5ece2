package io.warden;

/**
 * How a lock's fencing tokens are minted (see {@link Lease#fencingToken()}). Both kinds strictly
 * increase per lock name while Redis keeps its data; they differ in what happens when it does not.
 * Chosen with {@link Warden.Builder#fencingTokens(FencingTokens)}; {@link
 * Warden.Builder#fencing(boolean) fencing(false)} turns tokens off altogether.
 */
public enum FencingTokens {
    /**
     * The default: each token is the larger of the last token plus one and the Redis server's own
     * clock in microseconds since the epoch (about 1.8 × 10<sup>15</sup> in 2026), read inside the
     * acquire script. Tokens are large numbers that keep increasing across releases, expiry and
     * clients.
     *
     * <p><b>Guaranteed</b>, beyond {@link #COUNTER}'s: after Redis loses the counter (a restart
     * without persistence, a failover to a replica that had not received the last acquisitions),
     * the next token still exceeds every token issued before, provided the clock of the server
     * that mints it is ahead of the clock of the server that minted the lost tokens at the time
     * they were minted: the servers' clocks agree to within the time the restart or failover took
     * (seconds), and the server's clock was not stepped back by more than that. While the counter
     * survives, a clock that steps back or lags changes nothing: the counter takes over.
     *
     * <p><b>Not guaranteed</b>: tokens after a data loss combined with a clock that is behind by
     * more than the outage, and tokens that ran ahead of the clock (more than one acquisition per
     * microsecond per name, or a counter raised past the clock by another Redlock node or by
     * hand) and were then lost. Tokens are not timestamps: do not read times from them. They stay
     * exact integers (below 2<sup>53</sup>) until about the year 2255.
     *
     * <p>Cost: two more commands inside the acquire script (TIME, SET), no extra round trip.
     */
    CLOCK_FLOORED,

    /**
     * Small tokens: 1, 2, 3, … per lock name (the last token plus one). For resources that store
     * tokens in small fields. An existing clock-floored counter keeps counting up from where it
     * is: tokens never go back when switching kinds.
     *
     * <p><b>Not guaranteed</b>: after Redis loses the counter, tokens restart below earlier ones
     * and repeat, so a fenced resource may accept a stale holder's write.
     */
    COUNTER
}

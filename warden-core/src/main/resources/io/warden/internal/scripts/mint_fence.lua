-- mint_fence: the fencing token of a grant, shared by every script that grants a lease. Not a
-- script of its own: LuaScript puts this text where a script asks for it with an include line.
--
-- mint_fence(counter, mode, now)
--   counter  the fencing counter key: a string integer without TTL, holding the last token minted
--   mode     'clock'    max(counter + 1, this server's clock in microseconds since the epoch), so
--                       that a counter this server lost (restart without persistence, failover to a
--                       replica that missed the last acquisitions) starts again above every token
--                       minted before, as long as the servers' clocks agree within the outage
--            'counter'  counter + 1 (small tokens; they repeat after such a loss)
--            'off'      no token: the counter is left alone and the token is 0
--            Both kinds store the token in the counter, so switching kinds never makes tokens go back.
--   now      TIME's reply if the script already read it, else nil (read here when needed)
--
-- Returns: the token, or a reply the calling script must return at once: {-2, counter, type} when
--          the counter holds data Warden did not write (nothing was changed), or the server's own
--          error (out of memory, a read-only replica) as an error reply.
--
-- Precision: Lua numbers are doubles, exact for integers below 2^53 (about 9.0e15); the clock in
-- microseconds is about 1.8e15 in 2026 and reaches 2^53 around the year 2255. The floor is summed
-- from TIME's two integer parts, so it is exact; tokens are written back with '%.0f' (never in
-- exponent notation).
--
-- Replication: TIME is non-deterministic. Redis 5 and later replicate a script's effects (the SET
-- with its value), not the script, so replicas store the same token.
--
-- Cost: 'counter' 1 command (INCR); 'clock' 2 or 3 (TIME unless given, and a SET when the clock is
-- ahead of the counter: nearly always).
local function mint_fence(counter, mode, now)
  if mode == 'off' then
    return 0
  end
  -- pcall: a counter holding anything but an integer is reported, not overwritten.
  local minted = redis.pcall('INCR', counter)
  if type(minted) == 'table' and minted.err then
    local kind = redis.call('TYPE', counter).ok
    if kind ~= 'string' and kind ~= 'none' then
      return {-2, counter, kind}
    end
    if string.find(minted.err, 'not an integer', 1, true) then
      return {-2, counter, 'string'}
    end
    return redis.error_reply(minted.err)
  end
  local fence = minted
  if mode == 'clock' then
    -- TIME is {seconds, microseconds} on this server's clock.
    now = now or redis.call('TIME')
    local floor = tonumber(now[1]) * 1000000 + tonumber(now[2])
    if floor > fence then
      fence = floor
      redis.call('SET', counter, string.format('%.0f', fence))
    end
  end
  return fence
end

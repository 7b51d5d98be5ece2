-- acquire: take a lock if it is free, minting a fencing token. Safe to repeat: a key that already
-- holds this owner token is this acquisition's own grant (a resent or retried command), so its TTL
-- is set again and its stored fencing token returned; nothing new is minted.
--
-- KEYS[1]  lock key: a hash {owner, fence, host, pid, since}, always with a TTL
-- KEYS[2]  fencing counter: a string integer without TTL, shared by all acquisitions of the lock;
--          it holds the last token minted
-- ARGV[1]  owner token (unguessable, unique per acquisition)
-- ARGV[2]  lease in milliseconds (> 0)
-- ARGV[3]  holder host name, for operators and skipped tasks
-- ARGV[4]  holder process id
-- ARGV[5]  how to mint the fencing token:
--            'clock'    max(counter + 1, this server's clock in microseconds since the epoch), so
--                       that a counter this server lost (restart without persistence, failover to
--                       a replica that missed the last acquisitions) starts again above every
--                       token minted before, as long as the servers' clocks agree within the outage
--            'counter'  counter + 1 (small tokens; they repeat after such a loss)
--            'off'      no token: the counter is left alone and the fence is 0
--          Both kinds store the token in the counter, so switching kinds never makes tokens go back.
-- ARGV[6]  acquisition time, milliseconds since the epoch on the holder's clock (for display)
--
-- Reply:   {1, fence}                              acquired (now, or by an earlier run of this command)
--          {0, pttl, host, pid, since, fence}      held by another owner; pttl is -1 if the key has
--                                                  no TTL (never written by Warden that way)
--          {-2, key, type}                         KEYS[i] holds data Warden did not write; nothing
--                                                  was changed
--          Any other Redis error (OOM, READONLY, ...) is passed on as an error.
--
-- Precision: Lua numbers are doubles, exact for integers below 2^53 (about 9.0e15); the clock in
-- microseconds is about 1.8e15 in 2026 and reaches 2^53 around the year 2255. The floor is summed
-- from TIME's two integer parts, so it is exact; tokens are written back with '%.0f' (never in
-- exponent notation) and returned as integer replies.
--
-- Replication: TIME is non-deterministic. Redis 5 and later replicate a script's effects (the SET
-- and HSET with their values), not the script, so replicas store the same token: Redis 7 always
-- does, Redis 5 and 6 by default. (Redis 3.2 and 4 would refuse the writes after TIME.)
--
-- Cost: free lock 4 commands (TYPE, INCR, HSET, PEXPIRE), with 'clock' 1 or 2 more (TIME, and a
-- SET when the clock is ahead of the counter: nearly always); held lock 3 (TYPE, HMGET, PTTL).
local kind = redis.call('TYPE', KEYS[1]).ok
if kind ~= 'none' then
  if kind ~= 'hash' then
    return {-2, KEYS[1], kind}
  end
  local h = redis.call('HMGET', KEYS[1], 'owner', 'host', 'pid', 'since', 'fence')
  if not h[1] then
    return {-2, KEYS[1], 'hash'}
  end
  if h[1] == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return {1, tonumber(h[5]) or 0}
  end
  return {0, redis.call('PTTL', KEYS[1]), h[2] or '', h[3] or '', h[4] or '', h[5] or ''}
end

local fence = 0
if ARGV[5] ~= 'off' then
  -- pcall: a counter holding anything but an integer is reported, not overwritten. Any other
  -- error (out of memory, a read-only replica) is the server's, and passed on as it is.
  local minted = redis.pcall('INCR', KEYS[2])
  if type(minted) == 'table' and minted.err then
    local counter = redis.call('TYPE', KEYS[2]).ok
    if counter ~= 'string' and counter ~= 'none' then
      return {-2, KEYS[2], counter}
    end
    if string.find(minted.err, 'not an integer', 1, true) then
      return {-2, KEYS[2], 'string'}
    end
    return redis.error_reply(minted.err)
  end
  fence = minted
  if ARGV[5] == 'clock' then
    -- TIME is {seconds, microseconds} on this server's clock.
    local now = redis.call('TIME')
    local floor = tonumber(now[1]) * 1000000 + tonumber(now[2])
    if floor > fence then
      fence = floor
      redis.call('SET', KEYS[2], string.format('%.0f', fence))
    end
  end
end

redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'fence', string.format('%.0f', fence), 'host', ARGV[3], 'pid', ARGV[4], 'since', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, fence}

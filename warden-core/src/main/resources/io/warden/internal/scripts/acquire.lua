-- acquire: take a lock if it is free, minting a fencing token. Safe to repeat: a key that already
-- holds this owner token is this acquisition's own grant (a resent or retried command), so its TTL
-- is set again and its stored fencing token returned; nothing new is minted.
--
-- KEYS[1]  lock key: a hash {owner, fence, host, pid, since}, always with a TTL, and a field
--          waiting=1 once a caller that waits has been refused (see release_to.lua)
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
-- ARGV[7]  '1' if the caller will wait when the lock is held: it wants the remaining TTL, and
--          the holder's key is marked waiting=1, so that the holder's release frees the lock for
--          everyone instead of handing it to a waiter of its own process (release_to.lua); anything
--          else (an attempt that gives up at once, such as a skipping task) reads and marks nothing
--
-- Reply:   {1, fence}                              acquired (now, or by an earlier run of this command)
--          {0, pttl, host, pid, since, fence}      held by another owner; pttl is -1 if the key has
--                                                  no TTL (never written by Warden that way), -3 if
--                                                  ARGV[7] did not ask for it
--          {-2, key, type}                         KEYS[i] holds data Warden did not write; nothing
--                                                  was changed
--          Any other Redis error (OOM, READONLY, ...) is passed on as an error.
--
-- Precision and replication of the tokens: see mint_fence.lua.
--
-- Cost: free lock 4 commands (TYPE, INCR, HSET, PEXPIRE), with 'clock' 1 or 2 more (TIME, and a
-- SET when the clock is ahead of the counter: nearly always); held lock 3 (TYPE, HMGET, PTTL), 4
-- for the first waiting caller a holder refuses (HSET waiting), or 2 for a caller that will not wait.
--@include mint_fence.lua
local kind = redis.call('TYPE', KEYS[1]).ok
if kind ~= 'none' then
  if kind ~= 'hash' then
    return {-2, KEYS[1], kind}
  end
  local h = redis.call('HMGET', KEYS[1], 'owner', 'host', 'pid', 'since', 'fence', 'waiting')
  if not h[1] then
    return {-2, KEYS[1], 'hash'}
  end
  if h[1] == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return {1, tonumber(h[5]) or 0}
  end
  local pttl = -3
  if ARGV[7] == '1' then
    pttl = redis.call('PTTL', KEYS[1])
    if not h[6] then
      redis.call('HSET', KEYS[1], 'waiting', '1')
    end
  end
  return {0, pttl, h[2] or '', h[3] or '', h[4] or '', h[5] or ''}
end

local fence = mint_fence(KEYS[2], ARGV[5], nil)
if type(fence) == 'table' then
  return fence
end

redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'fence', string.format('%.0f', fence), 'host', ARGV[3], 'pid', ARGV[4], 'since', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, fence}

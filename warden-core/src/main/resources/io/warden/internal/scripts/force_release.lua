-- force_release: an operator's escape hatch. Deletes a Warden lock whoever holds it and wakes
-- waiters. Never deletes a key that is not a Warden lock.
--
-- KEYS[1]  lock key
-- KEYS[2]  fencing counter (read only, to report the last token issued)
-- ARGV[1]  release channel
-- ARGV[2]  's' to announce with SPUBLISH (sharded pub/sub on a Redis 7 Cluster), else PUBLISH
--
-- Reply:   inspect.lua's {state, pttl, host, pid, since, fence, counter, counterType}, read just
--          before the deletion: state 1 deleted (the other fields describe what was removed, the
--          holder fields empty if the key named none, pttl -1 if it had no expiry), 0 no such key,
--          -2 the key holds data Warden did not write: left untouched.
local counterType = redis.call('TYPE', KEYS[2]).ok
local counter = counterType == 'string' and redis.call('GET', KEYS[2]) or ''
local kind = redis.call('TYPE', KEYS[1]).ok
if kind == 'none' then
  return {0, -2, '', '', '', '', counter, counterType}
end
if kind ~= 'hash' or redis.call('HEXISTS', KEYS[1], 'owner') == 0 then
  return {-2, redis.call('PTTL', KEYS[1]), '', '', '', '', counter, counterType}
end
local h = redis.call('HMGET', KEYS[1], 'host', 'pid', 'since', 'fence')
local pttl = redis.call('PTTL', KEYS[1])
redis.call('DEL', KEYS[1])
redis.call(ARGV[2] == 's' and 'SPUBLISH' or 'PUBLISH', ARGV[1], 'released')
return {1, pttl, h[1] or '', h[2] or '', h[3] or '', h[4] or '', counter, counterType}

-- force_release: an operator's escape hatch. Deletes a Warden lock whoever holds it and wakes
-- waiters. Never deletes a key that is not a Warden lock.
--
-- KEYS[1]  lock key
-- KEYS[2]  fencing counter (read only, to report the last token issued)
-- KEYS[3]  optional: the fair queue (see fair_acquire.lua)
-- ARGV[1]  release channel
-- ARGV[2]  's' to announce with SPUBLISH (sharded pub/sub on a Redis 7 Cluster), else PUBLISH
-- ARGV[3]  with KEYS[3]: the ticket key prefix. A fair lock's holder is told on the wake channel
--          its grant recorded (field 'wake'), and the head ticket's waiter on its own, as
--          fair_release.lua does
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
local h = redis.call('HMGET', KEYS[1], 'host', 'pid', 'since', 'fence', 'wake')
local pttl = redis.call('PTTL', KEYS[1])
redis.call('DEL', KEYS[1])
local publish = ARGV[2] == 's' and 'SPUBLISH' or 'PUBLISH'
redis.call(publish, ARGV[1], 'released')
if h[5] then
  redis.call(publish, h[5], 'released')
end
if KEYS[3] and redis.call('TYPE', KEYS[3]).ok == 'zset' then
  while true do
    local head = redis.call('ZRANGE', KEYS[3], 0, 0)[1]
    if not head then
      break
    end
    local wake = redis.pcall('HGET', ARGV[3] .. head, 'wake')
    if type(wake) == 'string' then
      redis.call(publish, wake, 'next')
      break
    end
    redis.call('ZREM', KEYS[3], head)
  end
end
return {1, pttl, h[1] or '', h[2] or '', h[3] or '', h[4] or '', counter, counterType}

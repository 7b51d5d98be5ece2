-- force_release: an operator's escape hatch. Deletes a Warden lock whoever holds it and wakes
-- waiters. Never deletes a key that is not a Warden lock.
--
-- KEYS[1]  lock key
-- ARGV[1]  release channel
-- ARGV[2]  's' to announce with SPUBLISH (sharded pub/sub on a Redis 7 Cluster), else PUBLISH
--
-- Reply:   {1, host, pid, since, fence}   deleted; the fields describe the holder it removed
--          {0}                            no such key
--          {-2}                           the key holds data Warden did not write: left untouched
local kind = redis.call('TYPE', KEYS[1]).ok
if kind == 'none' then
  return {0}
end
if kind ~= 'hash' or redis.call('HEXISTS', KEYS[1], 'owner') == 0 then
  return {-2}
end
local h = redis.call('HMGET', KEYS[1], 'host', 'pid', 'since', 'fence')
redis.call('DEL', KEYS[1])
redis.call(ARGV[2] == 's' and 'SPUBLISH' or 'PUBLISH', ARGV[1], 'released')
return {1, h[1] or '', h[2] or '', h[3] or '', h[4] or ''}

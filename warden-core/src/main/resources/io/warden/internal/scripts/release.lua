-- release: end a lease, owner-checked, and wake waiters; or keep the lock until a minimum hold
-- time has passed (task locks' lockAtLeastFor).
--
-- KEYS[1]  lock key
-- ARGV[1]  owner token of the lease being released
-- ARGV[2]  release channel, told when the lock becomes free
-- ARGV[3]  milliseconds the lock must still be kept; '0' releases now
-- ARGV[4]  how to announce the release: 's' SPUBLISH (sharded pub/sub on a Redis 7 Cluster),
--          'n' not at all (a Redlock acquisition that missed its majority gives its minority back
--          quietly, so as not to wake the contenders it collided with), anything else PUBLISH
--
-- Reply:   1   released now (deleted, and a message published on the channel)
--          2   kept: its TTL was set to ARGV[3] so that it expires then
--          0   no such key (the lease had expired)
--          -1  the key is held by another owner: left untouched
--          -2  the key holds data Warden did not write: left untouched
--
-- Cost: 3 commands in the common case (HGET, DEL, PUBLISH or SPUBLISH).
local owner = redis.pcall('HGET', KEYS[1], 'owner')
if type(owner) == 'table' and owner.err then
  return -2
end
if not owner then
  return redis.call('EXISTS', KEYS[1]) == 1 and -2 or 0
end
if owner ~= ARGV[1] then
  return -1
end
local keep = tonumber(ARGV[3])
if keep > 0 then
  redis.call('PEXPIRE', KEYS[1], keep)
  return 2
end
redis.call('DEL', KEYS[1])
if ARGV[4] ~= 'n' then
  redis.call(ARGV[4] == 's' and 'SPUBLISH' or 'PUBLISH', ARGV[2], 'released')
end
return 1

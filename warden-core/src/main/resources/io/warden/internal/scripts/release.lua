-- release: end a lease, owner-checked, and wake waiters; or keep the lock until a minimum hold
-- time has passed (task locks' lockAtLeastFor).
--
-- KEYS[1]  lock key
-- ARGV[1]  owner token of the lease being released
-- ARGV[2]  release channel, told when the lock becomes free
-- ARGV[3]  milliseconds the lock must still be kept; '0' releases now
--
-- Reply:   1   released now (deleted, and a message published on the channel)
--          2   kept: its TTL was set to ARGV[3] so that it expires then
--          0   no such key (the lease had expired)
--          -1  the key is held by another owner: left untouched
--          -2  the key holds data Warden did not write: left untouched
--
-- Cost: 3 commands in the common case (HGET, DEL, PUBLISH).
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
redis.call('PUBLISH', ARGV[2], 'released')
return 1

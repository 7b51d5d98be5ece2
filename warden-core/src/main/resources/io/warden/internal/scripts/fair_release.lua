-- fair_release: end a fair lock's lease, owner-checked, and wake exactly the next waiter: the one
-- whose ticket is the head of the queue (dead tickets before it are removed). Or keep the lock
-- until a minimum hold time has passed, as release.lua.
--
-- KEYS[1]  lock key
-- KEYS[2]  queue (see fair_acquire.lua)
-- ARGV[1]  owner token of the lease being released
-- ARGV[2]  milliseconds the lock must still be kept; '0' releases now
-- ARGV[3]  how to wake the next waiter: 's' SPUBLISH, 'n' not at all, anything else PUBLISH
-- ARGV[4]  ticket key prefix (see fair_acquire.lua); tickets are read through it, in the lock's
--          Cluster slot
--
-- Reply:   release.lua's: 1 released (and the head ticket's waiter told on its wake channel),
--          2 kept, 0 no such key, -1 held by another owner, -2 foreign data: left untouched
--
-- Cost: 3 commands (HGET, DEL, TYPE) plus, when there are waiters, ZRANGE, HEXISTS, HGET and
-- PUBLISH; 2 more per dead ticket removed.
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
local keep = tonumber(ARGV[2])
if keep > 0 then
  redis.call('PEXPIRE', KEYS[1], keep)
  return 2
end
redis.call('DEL', KEYS[1])
if ARGV[3] ~= 'n' and redis.call('TYPE', KEYS[2]).ok == 'zset' then
  while true do
    local head = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
    if not head then
      redis.call('DEL', KEYS[2])
      break
    end
    local wake = redis.pcall('HGET', ARGV[4] .. head, 'wake')
    if type(wake) == 'string' then
      redis.call(ARGV[3] == 's' and 'SPUBLISH' or 'PUBLISH', wake, 'next')
      break
    end
    redis.call('ZREM', KEYS[2], head) -- its lease ran out: a dead waiter
  end
end
return 1

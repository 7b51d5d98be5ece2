-- fair_leave: a waiter gives up its place in a fair lock's queue (its wait ended, it was
-- interrupted or cancelled), owner-checked; if it was the head of a free lock, the next waiter is
-- told. Safe to repeat: a ticket already gone is reported as 0, and wakes nobody again.
--
-- KEYS[1]  lock key
-- KEYS[2]  queue (see fair_acquire.lua)
-- KEYS[3]  the waiter's ticket (ARGV[3] .. ARGV[2])
-- ARGV[1]  the ticket's owner token
-- ARGV[2]  ticket id
-- ARGV[3]  ticket key prefix; tickets are read through it, in the lock's Cluster slot
-- ARGV[4]  how to wake the next waiter: 's' SPUBLISH, anything else PUBLISH
--
-- Reply:   1   removed
--          0   no such ticket (its lease ran out, or an earlier run removed it); a dead id left
--              in the queue is removed too
--          -1  the ticket has another owner: left untouched
--          -2  KEYS[2] or KEYS[3] holds data Warden did not write: left untouched
--
-- Cost: 4 to 6 commands (TYPE, HGET, DEL, ZREM, EXISTS, ZCARD), and when the lock is free and
-- waiters remain, those of fair_release.lua's wake.
local queueKind = redis.call('TYPE', KEYS[2]).ok
if queueKind ~= 'none' and queueKind ~= 'zset' then
  return -2
end
local owner = redis.pcall('HGET', KEYS[3], 'owner')
if type(owner) == 'table' and owner.err then
  return -2
end
if not owner and redis.call('EXISTS', KEYS[3]) == 1 then
  return -2
end
if owner and owner ~= ARGV[1] then
  return -1
end
local outcome = 0
if owner then
  redis.call('DEL', KEYS[3])
  outcome = 1
end
local removed = redis.call('ZREM', KEYS[2], ARGV[2])
if (outcome == 1 or removed == 1) and redis.call('EXISTS', KEYS[1]) == 0 then
  while true do
    local head = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
    if not head then
      break
    end
    local wake = redis.pcall('HGET', ARGV[3] .. head, 'wake')
    if type(wake) == 'string' then
      redis.call(ARGV[4] == 's' and 'SPUBLISH' or 'PUBLISH', wake, 'next')
      break
    end
    redis.call('ZREM', KEYS[2], head)
  end
end
if redis.call('ZCARD', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[2])
end
return outcome

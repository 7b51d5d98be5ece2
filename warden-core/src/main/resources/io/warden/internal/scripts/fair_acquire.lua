-- fair_acquire: take a fair lock in ticket order, or take (and keep alive) this waiter's place in
-- its queue. The lock itself is acquire.lua's hash; the queue orders the waiters across processes:
-- the lock is granted only to the head ticket. A ticket is a key with its own lease, refreshed by
-- each call of its waiter: a dead waiter's ticket expires, and the next call of any waiter (or a
-- release, see fair_release.lua) removes it from the queue, so it never blocks the queue for longer
-- than its lease. Tickets are ordered by the server alone (no client clock is read).
--
-- Safe to repeat with the same owner token and ticket: a lock already held by this token is this
-- waiter's own grant (its TTL is set again, its token returned); a ticket already queued keeps its
-- place and has its lease set again. A ticket whose lease ran out while its waiter still waited
-- (a waiter paused for longer than the ticket lease) is queued again at the tail.
--
-- KEYS[1]  lock key: a hash {owner, fence, host, pid, since} as acquire.lua writes it, and 'wake':
--          the holder's wake channel (force_release.lua tells a watched holder there)
-- KEYS[2]  fencing counter, as acquire.lua
-- KEYS[3]  queue: a sorted set of ticket ids scored by arrival (the tail's score + 1), with a TTL at
--          least as long as its longest ticket lease
-- KEYS[4]  this waiter's ticket: a hash {owner, wake, host, pid} with the ticket lease as its TTL;
--          it is ARGV[8] .. ARGV[7]
-- ARGV[1]  owner token (the lease's if granted, and the ticket's)
-- ARGV[2]  lease in milliseconds (> 0)
-- ARGV[3]  holder host name
-- ARGV[4]  holder process id
-- ARGV[5]  fencing token minting: 'clock', 'counter' or 'off' (see acquire.lua)
-- ARGV[6]  acquisition time, milliseconds since the epoch on the holder's clock (for display)
-- ARGV[7]  ticket id: unguessable, one per waiter (the member of KEYS[3])
-- ARGV[8]  ticket key prefix: the ticket of id X is the key ARGV[8] .. X. Other waiters' tickets are
--          read through it (keys not in KEYS, all with the lock's hash tag, so in its Cluster slot)
-- ARGV[9]  ticket lease in milliseconds (> 0)
-- ARGV[10] this waiter's wake channel, told when its ticket reaches the head of a free lock
-- ARGV[11] 's' to wake with SPUBLISH (sharded pub/sub on a Redis 7 Cluster), else PUBLISH
--
-- Reply:   {1, fence}                                  acquired (now, or by an earlier run)
--          {0, pttl, host, pid, since, fence, ahead}   not this waiter's turn: the lock is held
--                                                      (pttl >= 0 or -1, holder fields set) or free
--                                                      with live tickets ahead (pttl -2, holder
--                                                      fields empty); ahead counts the tickets
--                                                      before this one
--          {-2, key, type}                             KEYS[i] holds data Warden did not write;
--                                                      nothing was changed
--
-- Cost: a waiter that is queued already: about 8 commands (TYPE, HGET, PEXPIRE, ZRANGE, HEXISTS,
-- ZRANK, PTTL, and HMGET/PTTL of the holder); plus 2 per dead ticket removed from the head; a grant
-- adds acquire.lua's 4 to 6 and ZREM, DEL.
--@include mint_fence.lua
local kind = redis.call('TYPE', KEYS[1]).ok
local held = nil
if kind ~= 'none' then
  if kind ~= 'hash' then
    return {-2, KEYS[1], kind}
  end
  held = redis.call('HMGET', KEYS[1], 'owner', 'host', 'pid', 'since', 'fence')
  if not held[1] then
    return {-2, KEYS[1], 'hash'}
  end
  if held[1] == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return {1, tonumber(held[5]) or 0}
  end
end
local queueKind = redis.call('TYPE', KEYS[3]).ok
if queueKind ~= 'none' and queueKind ~= 'zset' then
  return {-2, KEYS[3], queueKind}
end
local ticketKind = redis.call('TYPE', KEYS[4]).ok
if ticketKind ~= 'none' and ticketKind ~= 'hash' then
  return {-2, KEYS[4], ticketKind}
end

-- This waiter's place: kept if its ticket is alive, else taken (again) at the tail.
local mine = redis.call('HGET', KEYS[4], 'owner')
if ticketKind == 'hash' and not mine then
  return {-2, KEYS[4], 'hash'}
end
if mine and mine ~= ARGV[1] then
  return {-2, KEYS[4], 'hash'} -- a ticket id is unguessable: this ticket is not ours to touch
end
if not mine or not redis.call('ZSCORE', KEYS[3], ARGV[7]) then
  local tail = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')
  local score = 1
  if tail[1] and tail[1] ~= ARGV[7] then
    score = tonumber(tail[2]) + 1
  elseif tail[1] then
    score = tonumber(tail[2]) -- our own lapsed ticket is the tail already
  end
  redis.call('ZREM', KEYS[3], ARGV[7])
  redis.call('ZADD', KEYS[3], score, ARGV[7])
  redis.call('HSET', KEYS[4], 'owner', ARGV[1], 'wake', ARGV[10], 'host', ARGV[3], 'pid', ARGV[4])
end
redis.call('PEXPIRE', KEYS[4], ARGV[9])
if redis.call('PTTL', KEYS[3]) < tonumber(ARGV[9]) then
  redis.call('PEXPIRE', KEYS[3], ARGV[9])
end

-- Dead tickets at the head (their lease ran out) are removed; the first live one is the head.
local cleaned = 0
local head = nil
while true do
  head = redis.call('ZRANGE', KEYS[3], 0, 0)[1]
  if not head or head == ARGV[7] or redis.pcall('HEXISTS', ARGV[8] .. head, 'owner') == 1 then
    break
  end
  redis.call('ZREM', KEYS[3], head)
  cleaned = cleaned + 1
end

if held then
  return {0, redis.call('PTTL', KEYS[1]), held[2] or '', held[3] or '', held[4] or '', held[5] or '',
    redis.call('ZRANK', KEYS[3], ARGV[7])}
end
if head ~= ARGV[7] then
  if cleaned > 0 then
    -- The lock is free and the dead tickets before this head are gone: tell the head at once.
    local wake = redis.call('HGET', ARGV[8] .. head, 'wake')
    if wake then
      redis.call(ARGV[11] == 's' and 'SPUBLISH' or 'PUBLISH', wake, 'next')
    end
  end
  return {0, -2, '', '', '', '', redis.call('ZRANK', KEYS[3], ARGV[7])}
end

-- Free, and this ticket is the head: grant as acquire.lua does, and leave the queue.
local fence = mint_fence(KEYS[2], ARGV[5], nil)
if type(fence) == 'table' then
  return fence
end
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'fence', string.format('%.0f', fence), 'host', ARGV[3], 'pid', ARGV[4], 'since', ARGV[6], 'wake', ARGV[10])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[7])
redis.call('DEL', KEYS[4])
if redis.call('ZCARD', KEYS[3]) == 0 then
  redis.call('DEL', KEYS[3])
end
return {1, fence}

-- inspect: read a lock's state for operators, without changing anything.
--
-- KEYS[1]  lock key
-- KEYS[2]  fencing counter
-- KEYS[3]  optional: the fair lock queue (see fair_acquire.lua)
-- ARGV[1]  with KEYS[3]: the ticket key prefix (tickets are read through it, in the lock's slot)
--
-- Reply:   {state, pttl, host, pid, since, fence, counter, counterType, queued, nextHost, nextPid}
--          state: 1 held, 0 free, -2 the key holds data Warden did not write
--          pttl: remaining TTL in milliseconds (-1 without a TTL, -2 when free)
--          counter: the counter's text ('' unless it is a string; the caller checks it is an integer)
--          counterType: the counter's Redis type ('none' if no token was ever minted)
--          queued: live tickets in the fair queue (0 without KEYS[3], or when it holds no zset)
--          nextHost, nextPid: the head live ticket's waiter ('' when none)
--          The owner token is never returned: it is the lease's secret.
--
-- Cost: 4 to 7 commands, plus 2 per ticket in the queue (fair locks only).
local queued, nextHost, nextPid = 0, '', ''
if KEYS[3] and redis.call('TYPE', KEYS[3]).ok == 'zset' then
  for _, id in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
    local ticket = redis.pcall('HMGET', ARGV[1] .. id, 'owner', 'host', 'pid')
    if type(ticket) == 'table' and not ticket.err and ticket[1] then
      if queued == 0 then
        nextHost, nextPid = ticket[2] or '', ticket[3] or ''
      end
      queued = queued + 1
    end
  end
end
local counterType = redis.call('TYPE', KEYS[2]).ok
local counter = counterType == 'string' and redis.call('GET', KEYS[2]) or ''
local kind = redis.call('TYPE', KEYS[1]).ok
if kind == 'none' then
  return {0, -2, '', '', '', '', counter, counterType, queued, nextHost, nextPid}
end
if kind ~= 'hash' or redis.call('HEXISTS', KEYS[1], 'owner') == 0 then
  return {-2, redis.call('PTTL', KEYS[1]), '', '', '', '', counter, counterType, queued, nextHost, nextPid}
end
local h = redis.call('HMGET', KEYS[1], 'host', 'pid', 'since', 'fence')
return {1, redis.call('PTTL', KEYS[1]), h[1] or '', h[2] or '', h[3] or '', h[4] or '', counter, counterType, queued, nextHost, nextPid}

-- inspect: read a lock's state for operators, without changing anything.
--
-- KEYS[1]  lock key
-- KEYS[2]  fencing counter
--
-- Reply:   {state, pttl, host, pid, since, fence, counter, counterType}
--          state: 1 held, 0 free, -2 the key holds data Warden did not write
--          pttl: remaining TTL in milliseconds (-1 without a TTL, -2 when free)
--          counter: the counter's text ('' unless it is a string; the caller checks it is an integer)
--          counterType: the counter's Redis type ('none' if no token was ever minted)
--          The owner token is never returned: it is the lease's secret.
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
return {1, redis.call('PTTL', KEYS[1]), h[1] or '', h[2] or '', h[3] or '', h[4] or '', counter, counterType}

-- semaphore_inspect: read a semaphore's limit and live holders for operators; changes nothing.
--
-- KEYS[1]  state hash {limit, used}
-- KEYS[2]  holders zset, members 'units:token'
-- KEYS[3]  fencing counter
-- ARGV[1]  permit key prefix (a member's key is ARGV[1] .. token)
--
-- Reply:   {state, limit, counter, counterType, units1, pttl1, host1, pid1, since1, fence1, ...}
--          state: 1 in use (holders listed), 0 no live holder, -2 a key holds data Warden did not
--          write (then the reply is {-2, -1, counter, counterType, key}, naming that key); limit:
--          the stored limit, -1 if none. Holders whose permit key is gone (expired,
--          not yet cleaned by an acquire) are left out. Owner tokens are never returned.
--
-- Cost: O(holders): one HMGET and one PTTL per member.
local counterType = redis.call('TYPE', KEYS[3]).ok
local counter = counterType == 'string' and redis.call('GET', KEYS[3]) or ''
local stateType = redis.call('TYPE', KEYS[1]).ok
local holdersType = redis.call('TYPE', KEYS[2]).ok
if stateType ~= 'none' and stateType ~= 'hash' then
  return {-2, -1, counter, counterType, KEYS[1]}
end
if holdersType ~= 'none' and holdersType ~= 'zset' then
  return {-2, -1, counter, counterType, KEYS[2]}
end
local limit = tonumber(redis.call('HGET', KEYS[1], 'limit') or '-1') or -1
local reply = {0, limit, counter, counterType}
for _, member in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local sep = string.find(member, ':', 1, true)
  local key = ARGV[1] .. string.sub(member, sep + 1)
  local pttl = redis.call('PTTL', key)
  if pttl ~= -2 and redis.call('TYPE', key).ok == 'hash' then
    local h = redis.call('HMGET', key, 'host', 'pid', 'since', 'fence')
    reply[1] = 1
    table.insert(reply, tonumber(string.sub(member, 1, sep - 1)) or 0)
    table.insert(reply, pttl)
    table.insert(reply, h[1] or '')
    table.insert(reply, h[2] or '')
    table.insert(reply, h[3] or '')
    table.insert(reply, h[4] or '')
  end
end
return reply

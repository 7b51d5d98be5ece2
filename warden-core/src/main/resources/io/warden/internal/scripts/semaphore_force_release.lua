-- semaphore_force_release: an operator's escape hatch. Removes every permit of a semaphore,
-- whoever holds them, and wakes waiters; the stored limit is kept. Holders learn of it at their
-- next renewal (their permit key is gone). Never deletes a key that is not Warden's.
--
-- KEYS[1]  state hash {limit, used}
-- KEYS[2]  holders zset, members 'units:token'
-- ARGV[1]  permit key prefix (a member's key is ARGV[1] .. token)
-- ARGV[2]  release channel
-- ARGV[3]  's' to announce with SPUBLISH, else PUBLISH
--
-- Reply:   the number of permit keys deleted (>= 0), or -2 if a key holds data Warden did not
--          write: then nothing was changed.
--
-- Cost: O(holders).
local stateType = redis.call('TYPE', KEYS[1]).ok
local holdersType = redis.call('TYPE', KEYS[2]).ok
if (stateType ~= 'none' and stateType ~= 'hash') or (holdersType ~= 'none' and holdersType ~= 'zset') then
  return -2
end
local members = redis.call('ZRANGE', KEYS[2], 0, -1)
local keys = {}
for _, member in ipairs(members) do
  local sep = string.find(member, ':', 1, true)
  local key = ARGV[1] .. string.sub(member, sep + 1)
  local kind = redis.call('TYPE', key).ok
  if kind ~= 'none' then
    if kind ~= 'hash' or redis.call('HEXISTS', key, 'owner') == 0 then
      return -2
    end
    table.insert(keys, key)
  end
end
for _, key in ipairs(keys) do
  redis.call('DEL', key)
end
redis.call('DEL', KEYS[2])
if stateType == 'hash' then
  redis.call('HSET', KEYS[1], 'used', 0)
end
if #members > 0 then
  redis.call(ARGV[3] == 's' and 'SPUBLISH' or 'PUBLISH', ARGV[2], 'released')
end
return #keys

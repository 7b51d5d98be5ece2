-- permit_release: give a semaphore's permit back, owner-checked, and wake waiters; or keep it
-- until a minimum hold time has passed. Safe to repeat: a second run finds the key and the member
-- gone and frees nothing twice.
--
-- KEYS[1]  state hash {limit, used} (see permit_acquire.lua)
-- KEYS[2]  holders zset, members 'units:token'
-- KEYS[3]  the permit key
-- ARGV[1]  owner token of the permit
-- ARGV[2]  its units
-- ARGV[3]  release channel
-- ARGV[4]  milliseconds the permit must still be kept; '0' releases now
-- ARGV[5]  's' SPUBLISH, 'n' no message, anything else PUBLISH
--
-- Reply:   1   released now (key deleted, units freed, a message published)
--          2   kept: its TTL was set to ARGV[4]; the next acquire frees it after that
--          0   no such key (the permit had expired); its member is removed if still there
--          -1  the key is held by another owner: left untouched
--          -2  a key holds data Warden did not write: left untouched
--
-- Cost: 7 commands on a release (HGET, TYPE x2, DEL, ZREM, HINCRBY, PUBLISH); INFO commandstats
-- adds the EVALSHA.
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
local stateType = redis.call('TYPE', KEYS[1]).ok
local holdersType = redis.call('TYPE', KEYS[2]).ok
if (stateType ~= 'none' and stateType ~= 'hash') or (holdersType ~= 'none' and holdersType ~= 'zset') then
  return -2
end
local keep = tonumber(ARGV[4])
if owner and keep > 0 then
  redis.call('PEXPIRE', KEYS[3], keep)
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  redis.call('ZADD', KEYS[2], 'XX', now + keep, ARGV[2] .. ':' .. ARGV[1])
  return 2
end
local code = 0
if owner then
  redis.call('DEL', KEYS[3])
  code = 1
end
if redis.call('ZREM', KEYS[2], ARGV[2] .. ':' .. ARGV[1]) == 1 then
  local used = redis.call('HINCRBY', KEYS[1], 'used', -tonumber(ARGV[2]))
  if used < 0 then
    redis.call('HSET', KEYS[1], 'used', 0)
  end
  if ARGV[5] ~= 'n' then
    redis.call(ARGV[5] == 's' and 'SPUBLISH' or 'PUBLISH', ARGV[3], 'released')
  end
end
return code

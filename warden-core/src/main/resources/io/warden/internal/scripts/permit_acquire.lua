-- permit_acquire: take units of a semaphore's permits as one lease, if enough are free. Safe to
-- repeat: a permit key that already holds this owner token is this acquisition's own grant (a
-- resent or retried command), so its TTL is set again and its stored fencing token returned.
--
-- A semaphore is a state hash {limit, used}, a holders zset and one lease key per held permit, all
-- in the semaphore's hash slot. Each holder is a zset member 'units:token' scored with the expiry
-- (server clock, ms) last known for its permit key; renewals (extend.lua) move only the key's TTL.
-- Before counting, members whose recorded expiry has passed are checked: a member whose key is
-- gone (its holder died or was paused past its lease) is removed and its units freed; a live one
-- is scored with its key's current expiry. So no background sweeper is needed, and each holder
-- costs one check per lease time, not one per acquire.
--
-- KEYS[1]  state hash {limit, used}: no TTL; 'used' is the sum of the members' units
-- KEYS[2]  holders zset
-- KEYS[3]  this acquisition's permit key: a hash {owner, units, fence, host, pid, since} with a TTL
-- KEYS[4]  fencing counter (as acquire.lua's)
-- ARGV[1]  owner token (unguessable, unique per acquisition)
-- ARGV[2]  units wanted (1 <= units <= limit, checked by the caller)
-- ARGV[3]  the caller's limit (total permits)
-- ARGV[4]  '1' to set the stored limit to ARGV[3] (resize), '0' to refuse a different stored limit
-- ARGV[5]  lease in milliseconds (> 0)
-- ARGV[6]  holder host name
-- ARGV[7]  holder process id
-- ARGV[8]  fencing token minting: 'clock', 'counter' or 'off' (see acquire.lua)
-- ARGV[9]  acquisition time, milliseconds since the epoch on the holder's clock (for display)
-- ARGV[10] permit key prefix: a member's permit key is ARGV[10] .. token (same hash slot)
--
-- Reply:   {1, fence, limit, free}     acquired (now, or by an earlier run of this command); free
--                                      is the units left free after this grant (-1 when this
--                                      run found an earlier run's grant: unknown), so a caller's
--                                      next waiter knows whether asking at once can succeed
--          {0, retryMs, used, limit}   not enough free permits; retryMs is the time until the
--                                      earliest recorded expiry of a holder (when one may be freed)
--          {-3, storedLimit}           the semaphore's stored limit differs from ARGV[3] (ARGV[4]
--                                      '0'): nothing was changed
--          {-2, key, type}             KEYS[i] holds data Warden did not write; nothing was changed
--
-- Cost, counting every command the script runs (INFO commandstats adds the EVALSHA): a grant 12
-- (TYPE x3, HMGET, TIME, ZRANGEBYSCORE, INCR, SET, HSET x2, PEXPIRE, ZADD), a full semaphore 7
-- (the same reads and ZRANGE); each plus 2 per holder whose recorded expiry passed (PTTL, and ZREM
-- or ZADD) and 1 HSET of 'used' when a dead one was removed; the first grant of a new semaphore,
-- or one that changes its limit, 1 or 2 more (HSET 'limit', 'used').
--@include mint_fence.lua
local stateType = redis.call('TYPE', KEYS[1]).ok
if stateType ~= 'none' and stateType ~= 'hash' then
  return {-2, KEYS[1], stateType}
end
local holdersType = redis.call('TYPE', KEYS[2]).ok
if holdersType ~= 'none' and holdersType ~= 'zset' then
  return {-2, KEYS[2], holdersType}
end
local permitType = redis.call('TYPE', KEYS[3]).ok
if permitType ~= 'none' then
  local h = redis.call('HMGET', KEYS[3], 'owner', 'fence')
  if permitType ~= 'hash' or h[1] ~= ARGV[1] then
    return {-2, KEYS[3], permitType}
  end
  redis.call('PEXPIRE', KEYS[3], ARGV[5])
  return {1, tonumber(h[2]) or 0, tonumber(redis.call('HGET', KEYS[1], 'limit')) or tonumber(ARGV[3]), -1}
end

local limit = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'limit', 'used')
local stored = state[1]
if stored then
  if not tonumber(stored) then
    return {-2, KEYS[1], 'hash'}
  end
  if tonumber(stored) ~= limit then
    if ARGV[4] ~= '1' then
      return {-3, tonumber(stored)}
    end
    redis.call('HSET', KEYS[1], 'limit', ARGV[3])
  end
else
  redis.call('HSET', KEYS[1], 'limit', ARGV[3])
end

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttl = tonumber(ARGV[5])
local used = tonumber(state[2] or '0') or 0
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, member in ipairs(due) do
  local sep = string.find(member, ':', 1, true)
  local key = ARGV[10] .. string.sub(member, sep + 1)
  local pttl = redis.call('PTTL', key)
  if pttl == -2 then
    redis.call('ZREM', KEYS[2], member)
    used = used - (tonumber(string.sub(member, 1, sep - 1)) or 0)
  else
    redis.call('ZADD', KEYS[2], now + (pttl > 0 and pttl or ttl), member)
  end
end
if used < 0 then
  used = 0
end
if state[2] ~= tostring(used) then
  redis.call('HSET', KEYS[1], 'used', used) -- only when dead holders were removed (or it was unset)
end

local units = tonumber(ARGV[2])
if used + units > limit then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  local retry = first[2] and math.max(1, tonumber(first[2]) - now) or 1
  return {0, retry, used, limit}
end

local fence = mint_fence(KEYS[4], ARGV[8], time)
if type(fence) == 'table' then
  return fence
end

redis.call('HSET', KEYS[3], 'owner', ARGV[1], 'units', ARGV[2], 'fence', string.format('%.0f', fence),
  'host', ARGV[6], 'pid', ARGV[7], 'since', ARGV[9])
redis.call('PEXPIRE', KEYS[3], ARGV[5])
redis.call('ZADD', KEYS[2], now + ttl, ARGV[2] .. ':' .. ARGV[1])
redis.call('HSET', KEYS[1], 'used', used + units)
return {1, fence, limit, limit - used - units}

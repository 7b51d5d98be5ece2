-- write_acquire: take the write lease of a read-write lock if no writer holds it and no reader is
-- alive. A writer that must wait (for readers or another writer) sets or refreshes its intent
-- marker, which keeps new readers out (writer preference); the marker has its own short TTL, so a
-- writer that dies while waiting holds readers back no longer than that. Safe to repeat: a writer
-- key that already holds this owner token is this acquisition's own grant.
--
-- Readers are found through the readers' sorted set; only members whose recorded expiry has passed
-- are checked against their keys (gone: removed; renewed: re-scored by their TTL), so a live reader
-- costs one check per lease time, and there is no background sweeper.
--
-- KEYS[1]  writer's hash {owner, fence, host, pid, since}
-- KEYS[2]  readers: sorted set of reader owner tokens scored by recorded expiry (server ms)
-- KEYS[3]  intent marker: a hash {owner, host, pid, since} with a short TTL
-- KEYS[4]  fencing counter, shared by reads and writes
-- ARGV[1]  owner token of this write lease
-- ARGV[2]  lease in milliseconds (> 0)
-- ARGV[3]  holder host name
-- ARGV[4]  holder process id
-- ARGV[5]  how to mint the fencing token: 'clock', 'counter' or 'off' (as acquire.lua)
-- ARGV[6]  acquisition time, milliseconds since the epoch on the holder's clock (for display)
-- ARGV[7]  this acquisition's intent id (the same across its attempts), or '' for a writer that will
--          not wait and so leaves no marker
-- ARGV[8]  the marker's TTL in milliseconds
-- ARGV[9]  readers' key prefix: a reader's hash is this prefix followed by its token. It carries the
--          same hash tag as KEYS[1], so on a Cluster every reader key is in this script's slot.
--
-- Reply:   {1, fence}                              granted (now, or by an earlier run of this command)
--          {0, pttl, host, pid, since, fence}      held: by the writer (its TTL), or by readers (one of
--                                                  them, and how long until the earliest recorded
--                                                  reader expiry, at most a third of the marker's TTL
--                                                  so that a waiting writer refreshes its marker)
--          {-2, key, type}                         KEYS[i] holds data Warden did not write; nothing
--                                                  was changed
--
-- Cost: free without readers 7 to 9 commands; plus 2 (PTTL, ZADD or ZREM) per reader whose recorded
-- expiry passed.
--@include mint_fence.lua
local function foreign_check(key, expected)
  local t = redis.call('TYPE', key).ok
  if t ~= 'none' and t ~= expected then
    return {-2, key, t}
  end
  return nil
end

local function mark_intent()
  if ARGV[7] == '' then
    return
  end
  local owner = redis.call('HGET', KEYS[3], 'owner')
  if not owner then
    redis.call('HSET', KEYS[3], 'owner', ARGV[7], 'host', ARGV[3], 'pid', ARGV[4], 'since', ARGV[6])
    redis.call('PEXPIRE', KEYS[3], ARGV[8])
  elseif owner == ARGV[7] then
    redis.call('PEXPIRE', KEYS[3], ARGV[8])
  end
end

for i, expected in ipairs({'hash', 'zset', 'hash'}) do
  local bad = foreign_check(KEYS[i], expected)
  if bad then
    return bad
  end
end
if redis.call('EXISTS', KEYS[3]) == 1 and redis.call('HEXISTS', KEYS[3], 'owner') == 0 then
  return {-2, KEYS[3], 'hash'}
end

if redis.call('EXISTS', KEYS[1]) == 1 then
  local w = redis.call('HMGET', KEYS[1], 'owner', 'host', 'pid', 'since', 'fence')
  if not w[1] then
    return {-2, KEYS[1], 'hash'}
  end
  if w[1] == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return {1, tonumber(w[5]) or 0}
  end
  mark_intent()
  return {0, redis.call('PTTL', KEYS[1]), w[2] or '', w[3] or '', w[4] or '', w[5] or ''}
end

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for _, token in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)) do
  local pttl = redis.call('PTTL', ARGV[9] .. token)
  if pttl == -2 then
    redis.call('ZREM', KEYS[2], token)
  else
    -- A key without a TTL (-1) was not written by Warden; it is still counted as a reader.
    redis.call('ZADD', KEYS[2], string.format('%.0f', now + math.max(pttl, 1000)), token)
  end
end
local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if #first > 0 then
  mark_intent()
  local r = redis.call('HMGET', ARGV[9] .. first[1], 'host', 'pid', 'since', 'fence')
  local wait = math.min(tonumber(first[2]) - now, math.floor(tonumber(ARGV[8]) / 3))
  return {0, math.max(wait, 1), r[1] or '', r[2] or '', r[3] or '', r[4] or ''}
end

local fence = mint_fence(KEYS[4], ARGV[5], t)
if type(fence) == 'table' then
  return fence
end

redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'fence', string.format('%.0f', fence), 'host', ARGV[3], 'pid', ARGV[4], 'since', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if ARGV[7] ~= '' and redis.call('HGET', KEYS[3], 'owner') == ARGV[7] then
  redis.call('DEL', KEYS[3])
end
return {1, fence}

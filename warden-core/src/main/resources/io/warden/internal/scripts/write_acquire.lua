-- write_acquire: take the write lease of a read-write lock, phase-fair: granted if no writer holds
-- it, no reader is alive, and no reader admitted to the read phase is still to come. A writer that
-- must wait (for readers or another writer) sets or refreshes its intent marker, which keeps new
-- readers out; the marker has its own short TTL, so a writer that dies while waiting holds readers
-- back no longer than that. Safe to repeat: a writer key that already holds this owner token is
-- this acquisition's own grant.
--
-- Phases (see read_acquire.lua): readers refused while a writer held the lock are in the admitted
-- set; while a live one is there this writer waits for it as for a reader inside (a registration
-- lapses when its reader stops asking). Readers that registered behind the waiting writer are in
-- the waiting set; the grant moves them to the admitted set, so they enter before the next writer.
--
-- Readers are found through the readers' sorted set; only members whose recorded expiry has passed
-- are checked against their keys (gone: removed; renewed: re-scored by their TTL), so a live reader
-- costs one check per lease time, and there is no background sweeper. Lapsed registrations are
-- removed here too.
--
-- KEYS[1]  writer's hash {owner, fence, host, pid, since}
-- KEYS[2]  readers: sorted set of reader owner tokens scored by recorded expiry (server ms)
-- KEYS[3]  intent marker: a hash {owner, host, pid, since} with a short TTL
-- KEYS[4]  fencing counter, shared by reads and writes
-- KEYS[5]  waiting: readers registered behind a waiting writer (sorted set, intent id -> expiry)
-- KEYS[6]  admitted: readers registered for the next read phase (sorted set, intent id -> expiry)
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
-- ARGV[10] the registration sets' own TTL in milliseconds (as read_acquire.lua)
--
-- Reply:   {1, fence}                              granted (now, or by an earlier run of this command)
--          {0, pttl, host, pid, since, fence}      held: by the writer (its TTL), or by readers (one of
--                                                  them, and how long until the earliest recorded
--                                                  reader expiry, at most a third of the marker's TTL
--                                                  so that a waiting writer refreshes its marker), or
--                                                  by admitted readers still to come (no holder; how
--                                                  long until the earliest registration lapses, at
--                                                  most as long)
--          {-2, key, type}                         KEYS[i] holds data Warden did not write; nothing
--                                                  was changed
--
-- Cost: free without readers 8 to 10 commands; plus 2 (PTTL, ZADD or ZREM) per reader whose recorded
-- expiry passed; plus 2 TYPE if a registration set exists, 2 (ZREMRANGEBYSCORE, ZRANGE) if admitted
-- readers exist, 1 to 4 (ZRANGEBYSCORE, ZADD, PEXPIRE, DEL) on a grant if waiting readers exist.
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
local registered = {}
if redis.call('EXISTS', KEYS[5], KEYS[6]) > 0 then
  for _, key in ipairs({KEYS[5], KEYS[6]}) do
    local t = redis.call('TYPE', key).ok
    if t ~= 'none' and t ~= 'zset' then
      return {-2, key, t}
    end
    registered[key] = t == 'zset'
  end
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
    -- Re-scored by its key's own expiry, so that the writer looks again when a reader that stopped
    -- renewing is gone (not a second later, if its key had a few milliseconds left). A key without
    -- a TTL (-1) was not written by Warden; it is still counted as a reader, looked at once a second.
    redis.call('ZADD', KEYS[2], string.format('%.0f', now + (pttl >= 0 and pttl or 1000)), token)
  end
end
local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if #first > 0 then
  mark_intent()
  local r = redis.call('HMGET', ARGV[9] .. first[1], 'host', 'pid', 'since', 'fence')
  local wait = math.min(tonumber(first[2]) - now, math.floor(tonumber(ARGV[8]) / 3))
  return {0, math.max(wait, 1), r[1] or '', r[2] or '', r[3] or '', r[4] or ''}
end

if registered[KEYS[6]] then
  redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', now)
  local due = redis.call('ZRANGE', KEYS[6], 0, 0, 'WITHSCORES')
  if #due > 0 then
    -- Readers admitted to the read phase that are still to come: wait for them as for readers.
    mark_intent()
    local wait = math.min(tonumber(due[2]) - now, math.floor(tonumber(ARGV[8]) / 3))
    return {0, math.max(wait, 1), '', '', '', ''}
  end
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
if registered[KEYS[5]] then
  -- The readers that waited behind this writer enter before the next one.
  local waiting = redis.call('ZRANGEBYSCORE', KEYS[5], '(' .. string.format('%.0f', now), '+inf', 'WITHSCORES')
  if #waiting > 0 then
    -- {member, score, ...} becomes ZADD's {score, member, ...}, in calls of at most 500 readers
    -- (unpack's limit on Lua's stack).
    for from = 1, #waiting, 1000 do
      local args = {}
      for j = from, math.min(from + 998, #waiting - 1), 2 do
        table.insert(args, waiting[j + 1])
        table.insert(args, waiting[j])
      end
      redis.call('ZADD', KEYS[6], unpack(args))
    end
    redis.call('PEXPIRE', KEYS[6], ARGV[10])
  end
  redis.call('DEL', KEYS[5])
end
return {1, fence}

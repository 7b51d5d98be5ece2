-- read_acquire: take a read lease on a read-write lock, phase-fair: granted unless a writer holds
-- the lock, or a writer waits for it and this reader was not admitted to the current read phase;
-- mints a fencing token from the counter the writers share. Each reader has its own hash, with its
-- own TTL, renewed by extend.lua like a lock key; the readers' sorted set lets a writer find them.
--
-- Phases: a reader refused while a writer holds the lock registers in the admitted set: it enters
-- before the next writer, which waits for it (write_acquire.lua). A reader refused by a waiting
-- writer's marker registers in the waiting set: it goes after that writer, whose grant moves it to
-- the admitted set. A registration is the reader's intent id scored by its expiry (server ms),
-- refreshed by every attempt; a reader that stops asking is forgotten when it expires. A reader with
-- no intent id (one that will not wait) never registers. The grant removes the registration.
--
-- Safe to repeat: a reader key that already holds this owner token is this acquisition's own grant,
-- so its TTL is set again and its token returned; a repeated refusal refreshes the same registration.
--
-- KEYS[1]  writer's hash {owner, fence, host, pid, since}
-- KEYS[2]  readers: a sorted set of reader owner tokens, each scored by the expiry recorded for it
--          (milliseconds on this server's clock; the reader's key may live longer once renewed)
-- KEYS[3]  a waiting writer's intent marker: a hash {owner, host, pid, since} with a short TTL
-- KEYS[4]  this reader's hash, named after its owner token
-- KEYS[5]  fencing counter, shared by reads and writes
-- KEYS[6]  waiting: readers registered behind a waiting writer (sorted set, intent id -> expiry)
-- KEYS[7]  admitted: readers registered for the next read phase (sorted set, intent id -> expiry)
-- ARGV[1]  owner token of this read lease
-- ARGV[2]  lease in milliseconds (> 0)
-- ARGV[3]  holder host name
-- ARGV[4]  holder process id
-- ARGV[5]  how to mint the fencing token: 'clock', 'counter' or 'off' (as acquire.lua)
-- ARGV[6]  acquisition time, milliseconds since the epoch on the holder's clock (for display)
-- ARGV[7]  the owner token of the write lease this reader's owner holds (a downgrade: the writer
--          does not keep its own owner out), or '' if none
-- ARGV[8]  this acquisition's intent id (the same across its attempts), or '' for a reader that will
--          not wait and so never registers
-- ARGV[9]  the registration's lease in milliseconds (at most ARGV[10])
-- ARGV[10] the registration sets' own TTL in milliseconds, set again at each registration: no
--          registration outlives it, and a set whose readers all stopped asking goes with it
--
-- Reply:   {1, fence}                              granted (now, or by an earlier run of this command)
--          {0, pttl, host, pid, since, fence}      the writer holds the lock (its TTL and holder), or
--                                                  a writer waits (its marker's TTL and holder, fence
--                                                  ''); pttl is at most a third of the registration's
--                                                  lease, so that a waiting reader refreshes it
--          {-2, key, type}                         KEYS[i] holds data Warden did not write; nothing
--                                                  was changed
--
-- Cost: free 8 to 10 commands (TYPE x4, INCR, TIME, SET, HSET, PEXPIRE, ZADD), plus for a reader
-- that waits an EXISTS, and a TYPE and a ZREM per registration set that exists; refused 5 to 10
-- (the same checks, PTTL, and TIME, ZADD, PEXPIRE to register; ZSCORE if admitted may hold it);
-- held 4 or 5.
--@include mint_fence.lua
local clock = nil
local function now_ms()
  clock = clock or redis.call('TIME')
  return tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
end

local mine = redis.call('TYPE', KEYS[4]).ok
if mine ~= 'none' then
  if mine ~= 'hash' then
    return {-2, KEYS[4], mine}
  end
  local h = redis.call('HMGET', KEYS[4], 'owner', 'fence')
  if h[1] ~= ARGV[1] then
    return {-2, KEYS[4], 'hash'}
  end
  redis.call('PEXPIRE', KEYS[4], ARGV[2])
  redis.call('ZADD', KEYS[2], string.format('%.0f', now_ms() + tonumber(ARGV[2])), ARGV[1])
  return {1, tonumber(h[2]) or 0}
end

local readers = redis.call('TYPE', KEYS[2]).ok
if readers ~= 'none' and readers ~= 'zset' then
  return {-2, KEYS[2], readers}
end
-- The registration sets are looked at only by a reader that waits; one EXISTS when neither is there.
local registered = {}
if ARGV[8] ~= '' and redis.call('EXISTS', KEYS[6], KEYS[7]) > 0 then
  for _, key in ipairs({KEYS[6], KEYS[7]}) do
    local t = redis.call('TYPE', key).ok
    if t == 'zset' then
      registered[key] = true
    elseif t ~= 'none' then
      return {-2, key, t}
    end
  end
end

-- Refused: register in `set` (unless this reader will not wait) and report `pttl`, capped so that
-- the reader comes back before its registration lapses.
local function refuse(set, pttl, host, pid, since, fence)
  local wait = pttl
  if ARGV[8] ~= '' then
    local lease = tonumber(ARGV[9])
    redis.call('ZADD', set, string.format('%.0f', now_ms() + lease), ARGV[8])
    redis.call('PEXPIRE', set, ARGV[10])
    local cap = math.max(math.floor(lease / 3), 1)
    if wait < 0 or wait > cap then
      wait = cap
    end
  end
  return {0, wait, host or '', pid or '', since or '', fence or ''}
end

local writer = redis.call('TYPE', KEYS[1]).ok
if writer ~= 'none' then
  if writer ~= 'hash' then
    return {-2, KEYS[1], writer}
  end
  local w = redis.call('HMGET', KEYS[1], 'owner', 'host', 'pid', 'since', 'fence')
  if not w[1] then
    return {-2, KEYS[1], 'hash'}
  end
  if w[1] ~= ARGV[7] then
    -- Behind a holding writer: this reader enters before the next writer.
    return refuse(KEYS[7], redis.call('PTTL', KEYS[1]), w[2], w[3], w[4], w[5])
  end
else
  local intent = redis.call('TYPE', KEYS[3]).ok
  if intent ~= 'none' then
    if intent ~= 'hash' then
      return {-2, KEYS[3], intent}
    end
    local i = redis.call('HMGET', KEYS[3], 'owner', 'host', 'pid', 'since')
    if not i[1] then
      return {-2, KEYS[3], 'hash'}
    end
    local admitted = false
    if registered[KEYS[7]] then
      local until_ms = redis.call('ZSCORE', KEYS[7], ARGV[8])
      admitted = until_ms and tonumber(until_ms) > now_ms()
    end
    if not admitted then
      -- Behind a waiting writer: this reader goes after it.
      return refuse(KEYS[6], redis.call('PTTL', KEYS[3]), i[2], i[3], i[4], '')
    end
  end
end

local now = now_ms()
local fence = mint_fence(KEYS[5], ARGV[5], clock)
if type(fence) == 'table' then
  return fence
end

redis.call('HSET', KEYS[4], 'owner', ARGV[1], 'fence', string.format('%.0f', fence), 'host', ARGV[3], 'pid', ARGV[4], 'since', ARGV[6])
redis.call('PEXPIRE', KEYS[4], ARGV[2])
redis.call('ZADD', KEYS[2], string.format('%.0f', now + tonumber(ARGV[2])), ARGV[1])
for _, key in ipairs({KEYS[6], KEYS[7]}) do
  if registered[key] then
    redis.call('ZREM', key, ARGV[8])
  end
end
return {1, fence}

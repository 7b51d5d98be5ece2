-- read_acquire: take a read lease on a read-write lock: granted unless a writer holds the lock or
-- waits for it (writer preference), minting a fencing token from the counter the writers share.
-- Each reader has its own hash, with its own TTL, renewed by extend.lua like a lock key; the
-- readers' sorted set lets a writer find them. Safe to repeat: a reader key that already holds
-- this owner token is this acquisition's own grant, so its TTL is set again and its token returned.
--
-- KEYS[1]  writer's hash {owner, fence, host, pid, since}
-- KEYS[2]  readers: a sorted set of reader owner tokens, each scored by the expiry recorded for it
--          (milliseconds on this server's clock; the reader's key may live longer once renewed)
-- KEYS[3]  a waiting writer's intent marker: a hash {owner, host, pid, since} with a short TTL
-- KEYS[4]  this reader's hash, named after its owner token
-- KEYS[5]  fencing counter, shared by reads and writes
-- ARGV[1]  owner token of this read lease
-- ARGV[2]  lease in milliseconds (> 0)
-- ARGV[3]  holder host name
-- ARGV[4]  holder process id
-- ARGV[5]  how to mint the fencing token: 'clock', 'counter' or 'off' (as acquire.lua)
-- ARGV[6]  acquisition time, milliseconds since the epoch on the holder's clock (for display)
-- ARGV[7]  the owner token of the write lease this reader's owner holds (a downgrade: the writer
--          does not keep its own owner out), or '' if none
--
-- Reply:   {1, fence}                              granted (now, or by an earlier run of this command)
--          {0, pttl, host, pid, since, fence}      the writer holds the lock (its TTL and holder), or
--                                                  a writer waits (its marker's TTL and holder, fence '')
--          {-2, key, type}                         KEYS[i] holds data Warden did not write; nothing
--                                                  was changed
--
-- Cost: free 7 to 9 commands (TYPE x4, INCR, TIME, SET, HSET, PEXPIRE, ZADD); held 4 or 5.
--@include mint_fence.lua
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
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
    return {0, redis.call('PTTL', KEYS[1]), w[2] or '', w[3] or '', w[4] or '', w[5] or ''}
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
    return {0, redis.call('PTTL', KEYS[3]), i[2] or '', i[3] or '', i[4] or '', ''}
  end
end

local fence = mint_fence(KEYS[5], ARGV[5], nil)
if type(fence) == 'table' then
  return fence
end

redis.call('HSET', KEYS[4], 'owner', ARGV[1], 'fence', string.format('%.0f', fence), 'host', ARGV[3], 'pid', ARGV[4], 'since', ARGV[6])
redis.call('PEXPIRE', KEYS[4], ARGV[2])
redis.call('ZADD', KEYS[2], string.format('%.0f', now_ms() + tonumber(ARGV[2])), ARGV[1])
return {1, fence}

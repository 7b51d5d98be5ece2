-- read_release: end a read lease, owner-checked, and wake a waiting writer when it matters; or keep
-- the lease until a minimum hold time has passed.
--
-- KEYS[1]  this reader's hash
-- KEYS[2]  readers' sorted set (see read_acquire.lua)
-- KEYS[3]  intent marker of a waiting writer
-- ARGV[1]  owner token of the read lease
-- ARGV[2]  release channel
-- ARGV[3]  milliseconds the lease must still be kept; '0' releases now
-- ARGV[4]  how to announce: 's' SPUBLISH, 'n' not at all, anything else PUBLISH
--
-- Reply:   1 released, 2 kept, 0 no such key (expired: its member is removed too), -1 another
--          owner's key (left untouched), -2 data Warden did not write (left untouched)
--          A message is published when the last recorded reader left, or a writer waits: writers
--          wait only for readers to leave, readers never wait for readers.
--
-- Cost: 4 or 5 commands (HGET, DEL, ZREM, ZCARD, EXISTS, and the message).
local owner = redis.pcall('HGET', KEYS[1], 'owner')
if type(owner) == 'table' and owner.err then
  return -2
end
if not owner then
  if redis.call('EXISTS', KEYS[1]) == 1 then
    return -2
  end
  if redis.call('TYPE', KEYS[2]).ok == 'zset' then
    redis.call('ZREM', KEYS[2], ARGV[1])
  end
  return 0
end
if owner ~= ARGV[1] then
  return -1
end
local keep = tonumber(ARGV[3])
if keep > 0 then
  redis.call('PEXPIRE', KEYS[1], keep)
  if redis.call('TYPE', KEYS[2]).ok == 'zset' then
    local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    redis.call('ZADD', KEYS[2], string.format('%.0f', now + keep), ARGV[1])
  end
  return 2
end
redis.call('DEL', KEYS[1])
local left = 0
if redis.call('TYPE', KEYS[2]).ok == 'zset' then
  redis.call('ZREM', KEYS[2], ARGV[1])
  left = redis.call('ZCARD', KEYS[2])
end
if ARGV[4] ~= 'n' and (left == 0 or redis.call('EXISTS', KEYS[3]) == 1) then
  redis.call(ARGV[4] == 's' and 'SPUBLISH' or 'PUBLISH', ARGV[2], 'released')
end
return 1

-- write_release: end a write lease, owner-checked, and wake waiters; or keep it until a minimum
-- hold time has passed. Also takes away this acquisition's intent marker if it is still there: a
-- writer that gave up waiting sends this with its intent id as ARGV[1] (never a lease's token, so
-- the writer's key is then left alone and the reply is 0 or -1).
--
-- KEYS[1]  writer's hash
-- KEYS[2]  intent marker of a waiting writer
-- ARGV[1]  owner token of the write lease
-- ARGV[2]  release channel
-- ARGV[3]  milliseconds the lease must still be kept; '0' releases now
-- ARGV[4]  how to announce: 's' SPUBLISH, 'n' not at all, anything else PUBLISH
-- ARGV[5]  this acquisition's intent id, or ''
-- ARGV[6]  the readers' release channel (ARGV[2] is the writers')
--
-- Reply:   as release.lua: 1 released, 2 kept, 0 no such key, -1 another owner's (left untouched),
--          -2 data Warden did not write (left untouched). A message is published on both channels
--          when the writer's key or the marker was deleted: readers and writers may both get in.
--
-- Cost: 3 to 6 commands (HGET x2, DEL x2, the two messages).
local announce = false
if ARGV[5] ~= '' then
  local marker = redis.pcall('HGET', KEYS[2], 'owner')
  if marker == ARGV[5] then
    redis.call('DEL', KEYS[2])
    announce = true
  end
end
local function done(code)
  if announce and ARGV[4] ~= 'n' then
    local publish = ARGV[4] == 's' and 'SPUBLISH' or 'PUBLISH'
    redis.call(publish, ARGV[2], 'released')
    redis.call(publish, ARGV[6], 'released')
  end
  return code
end

local owner = redis.pcall('HGET', KEYS[1], 'owner')
if type(owner) == 'table' and owner.err then
  return done(-2)
end
if not owner then
  return done(redis.call('EXISTS', KEYS[1]) == 1 and -2 or 0)
end
if owner ~= ARGV[1] then
  return done(-1)
end
local keep = tonumber(ARGV[3])
if keep > 0 then
  redis.call('PEXPIRE', KEYS[1], keep)
  return done(2)
end
redis.call('DEL', KEYS[1])
announce = true
return done(1)

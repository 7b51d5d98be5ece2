-- read_release: end a read lease, owner-checked, and wake a waiting writer when it matters; or keep
-- the lease until a minimum hold time has passed. Also withdraws the registration of a reader that
-- gave up waiting: sent with its intent id as ARGV[1] and ARGV[5] (never a lease's token, so no
-- reader key is touched), it removes that id from the registration sets, and wakes a waiting writer
-- if the reader was admitted (the writer was waiting for it).
--
-- KEYS[1]  this reader's hash
-- KEYS[2]  readers' sorted set (see read_acquire.lua)
-- KEYS[3]  intent marker of a waiting writer
-- KEYS[4]  waiting: readers registered behind a waiting writer (see read_acquire.lua)
-- KEYS[5]  admitted: readers registered for the next read phase
-- ARGV[1]  owner token of the read lease
-- ARGV[2]  the writers' release channel (readers never wait for readers)
-- ARGV[3]  milliseconds the lease must still be kept; '0' releases now
-- ARGV[4]  how to announce: 's' SPUBLISH, 'n' not at all, anything else PUBLISH
-- ARGV[5]  the intent id whose registration is withdrawn (then equal to ARGV[1]), or ''
--
-- Reply:   1 released, 2 kept, 0 no such key (expired: its member is removed too; or a withdrawn
--          registration), -1 another owner's key (left untouched), -2 data Warden did not write (left
--          untouched). A message is published when the last recorded reader left, or when a writer
--          waits and every member left is past its recorded expiry (it may be gone): writers wait
--          only for readers to leave, readers never wait for readers.
--
-- Cost: 4 to 8 commands (HGET, DEL, TYPE, ZREM, ZCARD, and the message; EXISTS, TIME, ZCOUNT when
-- readers are left); a withdrawal 2 to 6 (TYPE and ZREM per set, EXISTS and the message if it was
-- admitted).
local function announce()
  redis.call(ARGV[4] == 's' and 'SPUBLISH' or 'PUBLISH', ARGV[2], 'released')
end

if ARGV[5] ~= '' then
  local admitted = 0
  for _, key in ipairs({KEYS[4], KEYS[5]}) do
    if redis.call('TYPE', key).ok == 'zset' then
      local removed = redis.call('ZREM', key, ARGV[5])
      if key == KEYS[5] then
        admitted = removed
      end
    end
  end
  if admitted == 1 and ARGV[4] ~= 'n' and redis.call('EXISTS', KEYS[3]) == 1 then
    announce()
  end
  return 0
end

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
if ARGV[4] ~= 'n' then
  if left == 0 then
    announce()
  elseif redis.call('EXISTS', KEYS[3]) == 1 then
    -- A writer waits. A member whose recorded expiry is still ahead is a live reader (its key lives
    -- at least that long), so the writer could not get in: waking it, and every reader waiting
    -- behind it, would be in vain. Only members past their recorded expiry may be gone: then the
    -- writer is woken to look.
    local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    if redis.call('ZCOUNT', KEYS[2], '(' .. string.format('%.0f', now), '+inf') == 0 then
      announce()
    end
  end
end
return 1

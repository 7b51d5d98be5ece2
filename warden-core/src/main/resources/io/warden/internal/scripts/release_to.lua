-- release_to: end a lease, owner-checked, and in the same step acquire the lock for the releasing
-- process's next local waiter: a local hand-off in one round trip instead of two (release, then
-- acquire). If the releaser held the lock it passes straight to the next owner token, with a new
-- fencing token, and nothing is published: the lock never became free, so nobody is woken. Safe to
-- repeat: a key that already holds the next token is that waiter's grant (a resent command), so its
-- TTL is set again and its stored fencing token returned. If the releaser no longer held it, the
-- next token is treated exactly as acquire.lua treats a caller that waits.
--
-- No hand-off while a caller elsewhere waits: if acquire.lua has refused a waiting caller during
-- this lease (the key is marked waiting=1), the lock is released as release.lua does (deleted and
-- announced) and the next token is not granted: the local waiter tries again like everyone else,
-- so that a process whose threads take turns cannot keep the lock from the others for ever.
--
-- Plain locks only (not fair, not read-write); never keeps the key (a lockAtLeastFor release uses
-- release.lua).
--
-- KEYS[1]  lock key: a hash {owner, fence, host, pid, since, and waiting once marked}, always
--          with a TTL
-- KEYS[2]  fencing counter (see acquire.lua)
-- ARGV[1]  owner token of the lease being released
-- ARGV[2]  release channel, told only if the lock is freed without a hand-off (a foreign counter)
-- ARGV[3]  how to announce such a release: 's' SPUBLISH, anything else PUBLISH
-- ARGV[4]  the next owner token (the next local waiter's, unique per attempt)
-- ARGV[5]  its lease in milliseconds (> 0)
-- ARGV[6]  its holder host name
-- ARGV[7]  its holder process id
-- ARGV[8]  how to mint its fencing token: 'clock', 'counter' or 'off' (see mint_fence.lua)
-- ARGV[9]  its acquisition time, milliseconds since the epoch on the holder's clock (for display)
--
-- Reply:   {released, acquired...}: the release part first, as release.lua answers it
--            1   released: handed to the next token (or, when marked or with a foreign counter,
--                deleted and announced)
--            0   no such key (the lease had expired)
--            -1  the key is held by another owner (maybe the next token, by an earlier run)
--            -2  the key holds data Warden did not write: left untouched
--          then the next token's part, as acquire.lua answers a caller that waits:
--            1, fence                              acquired (now, or by an earlier run)
--            0, pttl, host, pid, since, fence      held by another owner
--            -2, key, type                         KEYS[i] holds data Warden did not write
--            2                                     not granted: the key was marked, so the lock was
--                                                  freed and announced instead; try again
--          An earlier run that already handed off answers {1, 1, fence} again.
--          Any other Redis error (OOM, READONLY, ...) is passed on as an error.
--
-- Cost: a hand-off 4 commands (HMGET, INCR, HSET, PEXPIRE), with 'clock' 1 or 2 more (TIME, SET):
-- three fewer than release.lua and acquire.lua together (no DEL, PUBLISH, TYPE), in one round trip
-- instead of two. Marked: 3 (HMGET, DEL, PUBLISH), as release.lua. Any other case 3 to 6 (HMGET,
-- then as acquire.lua).
--@include mint_fence.lua
local function grant(fence)
  redis.call('HSET', KEYS[1], 'owner', ARGV[4], 'fence', string.format('%.0f', fence), 'host', ARGV[6], 'pid', ARGV[7], 'since', ARGV[9])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return fence
end

local function announce()
  redis.call('DEL', KEYS[1])
  redis.call(ARGV[3] == 's' and 'SPUBLISH' or 'PUBLISH', ARGV[2], 'released')
end

local fields = redis.pcall('HMGET', KEYS[1], 'owner', 'waiting')
if fields.err then
  return {-2, -2, KEYS[1], redis.call('TYPE', KEYS[1]).ok}
end
local owner = fields[1]
if owner == ARGV[4] then
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return {1, 1, tonumber(redis.call('HGET', KEYS[1], 'fence')) or 0}
end
if owner == ARGV[1] then
  if fields[2] then
    announce()
    return {1, 2}
  end
  local fence = mint_fence(KEYS[2], ARGV[8], nil)
  if type(fence) == 'table' then
    if fence.err then
      return fence -- nothing was changed
    end
    -- The counter cannot mint: release as release.lua does, and report the counter.
    announce()
    return {1, fence[1], fence[2], fence[3]}
  end
  return {1, 1, grant(fence)}
end
if owner then
  local h = redis.call('HMGET', KEYS[1], 'host', 'pid', 'since', 'fence')
  return {-1, 0, redis.call('PTTL', KEYS[1]), h[1] or '', h[2] or '', h[3] or '', h[4] or ''}
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {-2, -2, KEYS[1], 'hash'}
end
local fence = mint_fence(KEYS[2], ARGV[8], nil)
if type(fence) == 'table' then
  if fence.err then
    return fence
  end
  return {0, fence[1], fence[2], fence[3]}
end
return {0, 1, grant(fence)}

-- acquire: take a lock if it is free, minting a fencing token. Safe to repeat: a key that already
-- holds this owner token is this acquisition's own grant (a resent or retried command), so its TTL
-- is set again and its stored fencing token returned; nothing new is minted.
--
-- KEYS[1]  lock key: a hash {owner, fence, host, pid, since}, always with a TTL
-- KEYS[2]  fencing counter: a string integer without TTL, shared by all acquisitions of the lock
-- ARGV[1]  owner token (unguessable, unique per acquisition)
-- ARGV[2]  lease in milliseconds (> 0)
-- ARGV[3]  holder host name, for operators and skipped tasks
-- ARGV[4]  holder process id
-- ARGV[5]  '1' to mint a fencing token, '0' to leave the counter alone (fence is then 0)
-- ARGV[6]  acquisition time, milliseconds since the epoch on the holder's clock (for display)
--
-- Reply:   {1, fence}                              acquired (now, or by an earlier run of this command)
--          {0, pttl, host, pid, since, fence}      held by another owner; pttl is -1 if the key has
--                                                  no TTL (never written by Warden that way)
--          {-2, key, type}                         KEYS[i] holds data Warden did not write; nothing
--                                                  was changed
--          Any other Redis error (OOM, READONLY, ...) is passed on as an error.
--
-- Cost: free lock 4 commands (TYPE, INCR, HSET, PEXPIRE); held lock 3 (TYPE, HMGET, PTTL).
local kind = redis.call('TYPE', KEYS[1]).ok
if kind ~= 'none' then
  if kind ~= 'hash' then
    return {-2, KEYS[1], kind}
  end
  local h = redis.call('HMGET', KEYS[1], 'owner', 'host', 'pid', 'since', 'fence')
  if not h[1] then
    return {-2, KEYS[1], 'hash'}
  end
  if h[1] == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return {1, tonumber(h[5]) or 0}
  end
  return {0, redis.call('PTTL', KEYS[1]), h[2] or '', h[3] or '', h[4] or '', h[5] or ''}
end

local fence = 0
if ARGV[5] == '1' then
  -- pcall: a counter holding anything but an integer is reported, not overwritten. Any other
  -- error (out of memory, a read-only replica) is the server's, and passed on as it is.
  local minted = redis.pcall('INCR', KEYS[2])
  if type(minted) == 'table' and minted.err then
    local counter = redis.call('TYPE', KEYS[2]).ok
    if counter ~= 'string' and counter ~= 'none' then
      return {-2, KEYS[2], counter}
    end
    if string.find(minted.err, 'not an integer', 1, true) then
      return {-2, KEYS[2], 'string'}
    end
    return redis.error_reply(minted.err)
  end
  fence = minted
end

redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'fence', fence, 'host', ARGV[3], 'pid', ARGV[4], 'since', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, fence}

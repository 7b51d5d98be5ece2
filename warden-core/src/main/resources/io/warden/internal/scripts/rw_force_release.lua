-- rw_force_release: an operator's escape hatch. Deletes a read-write lock's writer, every reader,
-- a waiting writer's marker and the waiting readers' registrations, whoever holds them, and wakes
-- waiters. Deletes nothing if any of
-- its keys holds data Warden did not write. Holders learn at their next renewal (or at once, if
-- they listen for releases).
--
-- KEYS[1..6], ARGV[1]  as rw_inspect.lua
-- ARGV[2]  the writers' release channel
-- ARGV[3]  's' to announce with SPUBLISH (sharded pub/sub on a Redis 7 Cluster), else PUBLISH
-- ARGV[4]  the readers' release channel
--
-- Reply:   rw_inspect.lua's reply, read just before the deletion (foreignKey non-empty: nothing
--          was deleted).
--
-- Cost: as rw_inspect.lua, plus 3 per reader (TYPE, HEXISTS, DEL) and 3 more (DEL, the two messages).
--@include rw_state.lua
local reply, complete = rw_state(function(key)
  -- Only a Warden reader's hash is deleted; anything else under a reader's name is left.
  if redis.call('TYPE', key).ok == 'hash' and redis.call('HEXISTS', key, 'owner') == 1 then
    redis.call('DEL', key)
  end
end)
if not complete then
  return reply
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[5], KEYS[6])
local publish = ARGV[3] == 's' and 'SPUBLISH' or 'PUBLISH'
redis.call(publish, ARGV[2], 'released')
redis.call(publish, ARGV[4], 'released')
return reply

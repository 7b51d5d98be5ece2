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
local counterType = redis.call('TYPE', KEYS[4]).ok
local counter = counterType == 'string' and redis.call('GET', KEYS[4]) or ''
local reply = {'', '', counter, counterType}
for _, check in ipairs({{1, 'hash'}, {2, 'zset'}, {3, 'hash'}, {5, 'zset'}, {6, 'zset'}}) do
  local i, expected = check[1], check[2]
  local t = redis.call('TYPE', KEYS[i]).ok
  if t ~= 'none' and (t ~= expected or (expected == 'hash' and redis.call('HEXISTS', KEYS[i], 'owner') == 0)) then
    reply[1] = KEYS[i]
    reply[2] = t
    return reply
  end
end
local w = redis.call('HMGET', KEYS[1], 'host', 'pid', 'since', 'fence')
table.insert(reply, redis.call('PTTL', KEYS[1]))
for j = 1, 4 do
  table.insert(reply, w[j] or '')
end
local i = redis.call('HMGET', KEYS[3], 'host', 'pid', 'since')
table.insert(reply, redis.call('PTTL', KEYS[3]))
for j = 1, 3 do
  table.insert(reply, i[j] or '')
end
local live = {}
for _, token in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local key = ARGV[1] .. token
  local pttl = redis.call('PTTL', key)
  if pttl ~= -2 then
    local r = redis.call('HMGET', key, 'host', 'pid', 'since', 'fence')
    table.insert(live, {pttl, r[1] or '', r[2] or '', r[3] or '', r[4] or ''})
    -- Only a Warden reader's hash is deleted; anything else under a reader's name is left.
    if redis.call('TYPE', key).ok == 'hash' and redis.call('HEXISTS', key, 'owner') == 1 then
      redis.call('DEL', key)
    end
  end
end
table.insert(reply, #live)
for _, r in ipairs(live) do
  for j = 1, 5 do
    table.insert(reply, r[j])
  end
end
local t = redis.call('TIME')
local now = string.format('%.0f', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
for _, key in ipairs({KEYS[5], KEYS[6]}) do
  table.insert(reply, redis.call('ZCOUNT', key, '(' .. now, '+inf'))
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[5], KEYS[6])
local publish = ARGV[3] == 's' and 'SPUBLISH' or 'PUBLISH'
redis.call(publish, ARGV[2], 'released')
redis.call(publish, ARGV[4], 'released')
return reply

-- rw_inspect: read a read-write lock's state for operators, without changing anything.
--
-- KEYS[1]  writer's hash
-- KEYS[2]  readers' sorted set (see read_acquire.lua)
-- KEYS[3]  intent marker of a waiting writer
-- KEYS[4]  fencing counter
-- KEYS[5]  waiting: readers registered behind a waiting writer (see read_acquire.lua)
-- KEYS[6]  admitted: readers registered for the next read phase
-- ARGV[1]  readers' key prefix (a reader's hash is this prefix followed by its token; same hash tag)
--
-- Reply:   {foreignKey, foreignType, counter, counterType,
--           writerPttl, host, pid, since, fence,          writerPttl -2 when no writer
--           intentPttl, host, pid, since,                 intentPttl -2 when no writer waits
--           n, then n times: pttl, host, pid, since, fence,  the live readers
--           waiting, admitted}                            live registrations in each set
--          foreignKey is '' unless one of KEYS holds data Warden did not write (then the other
--          fields may be empty). Owner tokens are never returned: they are the leases' secrets.
--
-- Cost: 13 to 15 commands, plus 2 per member of the readers' set.
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
return reply

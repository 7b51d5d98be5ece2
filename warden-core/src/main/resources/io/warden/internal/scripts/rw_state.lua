-- rw_state: a read-write lock's state as operators see it, shared by rw_inspect.lua and
-- rw_force_release.lua. Not a script of its own: LuaScript puts this text where a script asks for
-- it with an include line.
--
-- rw_state(visit_reader)
--   KEYS and ARGV[1] as rw_inspect.lua
--   visit_reader  nil, or a function called with each live reader's key after that key was read
--
-- Returns: rw_inspect.lua's reply, and true; or, when one of KEYS holds data Warden did not write,
--          the reply cut short after foreignKey and foreignType, and false (nothing was visited).
local function rw_state(visit_reader)
  local counterType = redis.call('TYPE', KEYS[4]).ok
  local counter = counterType == 'string' and redis.call('GET', KEYS[4]) or ''
  local reply = {'', '', counter, counterType}
  for _, check in ipairs({{1, 'hash'}, {2, 'zset'}, {3, 'hash'}, {5, 'zset'}, {6, 'zset'}}) do
    local i, expected = check[1], check[2]
    local t = redis.call('TYPE', KEYS[i]).ok
    if t ~= 'none' and (t ~= expected or (expected == 'hash' and redis.call('HEXISTS', KEYS[i], 'owner') == 0)) then
      reply[1] = KEYS[i]
      reply[2] = t
      return reply, false
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
      if visit_reader then
        visit_reader(key)
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
  return reply, true
end

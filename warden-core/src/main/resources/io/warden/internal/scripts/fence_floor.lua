-- fence_floor: raise a lock's fencing counter to at least a given token and record that token in
-- the lease (Redlock). A Redlock acquisition's token is the highest counter among the nodes that
-- granted it; raising every node to it makes the next acquisition's majority, which shares a node
-- with this one's, mint a higher token.
--
-- KEYS[1]  fencing counter
-- KEYS[2]  lock key
-- ARGV[1]  the acquisition's fencing token (a positive integer)
-- ARGV[2]  owner token of the lease
--
-- Reply:   1   the counter is now at least ARGV[1], and the lease here records it
--          0   the counter is now at least ARGV[1]; this node does not hold the lease
--          -2  the counter holds data Warden did not write: left untouched
--
-- Cost: 3 to 5 commands (TYPE, GET, SET, HGET, HSET).
local kind = redis.call('TYPE', KEYS[1]).ok
if kind ~= 'none' and kind ~= 'string' then
  return -2
end
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current == nil then
  return -2
end
local floor = tonumber(ARGV[1])
if current < floor then
  redis.call('SET', KEYS[1], ARGV[1])
end
local owner = redis.pcall('HGET', KEYS[2], 'owner')
if type(owner) ~= 'string' or owner ~= ARGV[2] then
  return 0
end
redis.call('HSET', KEYS[2], 'fence', ARGV[1])
return 1

-- The protected resource: a register that refuses writes whose fencing token is lower than the
-- highest it accepted, and appends every accepted write to a list the checker reads.
-- KEYS[1] register hash {token, writer, refused}; KEYS[2] list of accepted writes
-- ARGV[1] token, ARGV[2] worker process, ARGV[3] thread, ARGV[4] holding, ARGV[5] write number
-- Reply: 1 if accepted, 0 if refused as stale.
local last = tonumber(redis.call('HGET', KEYS[1], 'token') or '-1')
if tonumber(ARGV[1]) < last then
  redis.call('HINCRBY', KEYS[1], 'refused', 1)
  return 0
end
redis.call('HSET', KEYS[1], 'token', ARGV[1], 'writer', ARGV[2])
redis.call('RPUSH', KEYS[2], ARGV[1] .. ' ' .. ARGV[2] .. ' ' .. ARGV[3] .. ' ' .. ARGV[4] .. ' ' .. ARGV[5])
return 1

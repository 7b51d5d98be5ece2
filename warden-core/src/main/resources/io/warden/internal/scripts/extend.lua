-- extend: renew many leases at once, each owner-checked (watchdog ticks and lease.extend()).
--
-- KEYS[1..n]  lock keys
-- ARGV[2i-1]  owner token expected at KEYS[i]
-- ARGV[2i]    new TTL of KEYS[i] in milliseconds
--
-- Reply:      an array of n integers, one per key, in order:
--             1 extended, 0 no such key (expired or deleted), -1 held by another owner,
--             -2 the key holds data Warden did not write. Only keys answering 1 were touched.
--
-- Cost: 2 commands per key in the common case (HGET, PEXPIRE).
local results = {}
for i = 1, #KEYS do
  local key = KEYS[i]
  local owner = redis.pcall('HGET', key, 'owner')
  if type(owner) == 'table' and owner.err then
    results[i] = -2
  elseif not owner then
    results[i] = redis.call('EXISTS', key) == 1 and -2 or 0
  elseif owner ~= ARGV[2 * i - 1] then
    results[i] = -1
  else
    redis.call('PEXPIRE', key, ARGV[2 * i])
    results[i] = 1
  end
end
return results

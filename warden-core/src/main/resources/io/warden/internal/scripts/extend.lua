-- extend: renew many leases at once, each owner-checked (watchdog ticks and lease.extend()).
--
-- KEYS[1..n]  lock keys
-- ARGV[2i-1]  owner token expected at KEYS[i]
-- ARGV[2i]    new TTL of KEYS[i] in milliseconds
--
-- Reply:      an array of n integers, one per key, in order:
--             1 extended, 0 no such key (expired or deleted), -1 held by another owner,
--             -2 the key holds data Warden did not write. Only keys answering 1 were touched.
local results = {}
for i = 1, #KEYS do
  local key = KEYS[i]
  local kind = redis.call('TYPE', key).ok
  if kind == 'none' then
    results[i] = 0
  elseif kind ~= 'hash' then
    results[i] = -2
  else
    local owner = redis.call('HGET', key, 'owner')
    if not owner then
      results[i] = -2
    elseif owner ~= ARGV[2 * i - 1] then
      results[i] = -1
    else
      redis.call('PEXPIRE', key, ARGV[2 * i])
      results[i] = 1
    end
  end
end
return results

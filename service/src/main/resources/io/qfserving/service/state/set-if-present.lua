-- Sets field-value pairs (ARGV) on the hash KEYS[1] only if it still exists (a prediction not yet
-- expired). Returns 1 when set, 0 when the hash is gone.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1

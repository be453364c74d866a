-- Counts a served request and keeps it for feedback.
-- KEYS[1] the prediction's hash, KEYS[2] the experiment's counters.
-- ARGV[1] time to live (ms), ARGV[2] the number n of counter fields, ARGV[3..2+n] those fields,
-- then the prediction's field-value pairs.
local counts = tonumber(ARGV[2])
for i = 3, 2 + counts do
  redis.call('HINCRBY', KEYS[2], ARGV[i], 1)
end
redis.call('HSET', KEYS[1], unpack(ARGV, 3 + counts))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1

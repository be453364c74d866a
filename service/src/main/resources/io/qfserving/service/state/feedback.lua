-- Records feedback once: marks field ARGV[1] of the prediction KEYS[1] and, the first time only,
-- increments the counter fields ARGV[2..] of KEYS[2].
-- Returns 1 when counted, 0 when this feedback was already given, -1 when the prediction is gone.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
if redis.call('HSETNX', KEYS[1], ARGV[1], '1') == 0 then
  return 0
end
for i = 2, #ARGV do
  redis.call('HINCRBY', KEYS[2], ARGV[i], 1)
end
return 1

-- Saves an experiment as a new revision and announces it.
-- KEYS[1] the experiment's hash, KEYS[2] the set of experiment names.
-- ARGV[1] name, ARGV[2] definition, ARGV[3] basis (configuration fingerprint), ARGV[4] '1' to skip
-- the write when the stored basis is already ARGV[3], ARGV[5] the change channel.
-- Returns the new revision, or 0 when skipped.
if ARGV[4] == '1' and redis.call('HGET', KEYS[1], 'basis') == ARGV[3] then
  return 0
end
local revision = redis.call('HINCRBY', KEYS[1], 'revision', 1)
redis.call('HSET', KEYS[1], 'basis', ARGV[3], 'definition', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PUBLISH', ARGV[5], ARGV[1])
return revision

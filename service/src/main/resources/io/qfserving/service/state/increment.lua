-- Increments every counter field named in ARGV of the hash KEYS[1]; returns how many.
for i = 1, #ARGV do
  redis.call('HINCRBY', KEYS[1], ARGV[i], 1)
end
return #ARGV

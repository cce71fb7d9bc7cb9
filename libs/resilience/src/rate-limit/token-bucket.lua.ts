import { createHash } from 'node:crypto';

/**
 * The whole token-bucket decision as ONE Lua script, so read-refill-take-write is atomic on the
 * Redis server even with many concurrent callers in many processes. Time comes from the Redis
 * server (`TIME`), never from the callers, so clock skew between app instances cannot mint
 * tokens. Redis >= 5 replicates script effects, which makes `TIME` safe to use before a write.
 *
 * KEYS[1] bucket key; ARGV[1] limit (capacity), ARGV[2] window ms, ARGV[3] cost, ARGV[4] want
 * (>= cost: as many whole tokens up to `want` as the bucket holds are taken when it holds at
 * least `cost` — a caller leasing tokens for its next requests; equal to cost otherwise).
 * State: hash { tokens (float as string), ts (server ms) }; the key expires once the bucket
 * would be full again, because a full bucket and a missing one are the same state.
 * Returns { allowed (0|1), remaining (whole tokens), resetMs, retryAfterMs, taken }.
 */
export const TOKEN_BUCKET_LUA = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local want = tonumber(ARGV[4]) or cost
local rate = limit / window
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = limit
  ts = now
end
tokens = math.min(limit, tokens + math.max(0, now - ts) * rate)
local allowed = 0
local retry_after = 0
local taken = 0
if tokens >= cost then
  taken = math.max(cost, math.min(want, math.floor(tokens)))
  tokens = tokens - taken
  allowed = 1
else
  retry_after = math.ceil((cost - tokens) / rate)
end
local reset = math.ceil((limit - tokens) / rate)
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.max(reset, 1))
return { allowed, math.floor(tokens), reset, retry_after, taken }
`;

/** SHA-1 of {@link TOKEN_BUCKET_LUA}, for EVALSHA. */
export const TOKEN_BUCKET_LUA_SHA = createHash('sha1').update(TOKEN_BUCKET_LUA).digest('hex');

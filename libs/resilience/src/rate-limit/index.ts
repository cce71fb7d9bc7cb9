export { LocalTokenBucket, type TokenBucketResult } from './local-token-bucket';
export { RateLimitedError, RateLimiterUnavailableError } from './rate-limit.errors';
export { rateLimitHeaders, retryAfterSeconds } from './rate-limit-headers';
export {
  type RateLimitDecision,
  type RateLimitFallback,
  type RateLimitPolicy,
  type RateLimitSource,
  validateRateLimitPolicy,
} from './rate-limit.policy';
export { RateLimiter, type RateLimiterOptions } from './rate-limiter';
export {
  evalScript,
  type RedisScriptClient,
  RedisTokenBucket,
  type TokenBucketTake,
} from './redis-token-bucket';
export { TOKEN_BUCKET_LUA, TOKEN_BUCKET_LUA_SHA } from './token-bucket.lua';

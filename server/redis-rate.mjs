// @ts-check
// Rate limits shared by every process on one Redis (the Redis room store's `take`): N processes allow
// what one does.

/**
 * A token bucket in Redis (a hash `t` tokens, `at` ms), taken atomically by any process: the burst,
 * then ARGV[2] tokens a second; Redis's clock, so the processes' clocks do not matter. 1 or 0.
 */
const TAKE_SCRIPT = `
  local burst, rate = tonumber(ARGV[1]), tonumber(ARGV[2]) / 1000
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  local b = redis.call('HMGET', KEYS[1], 't', 'at')
  local tokens = math.min(burst, (tonumber(b[1]) or burst) + (now - (tonumber(b[2]) or now)) * rate)
  local ok = 0
  if tokens >= 1 then tokens = tokens - 1; ok = 1 end
  redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(now))
  redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + 1000)
  return ok`;

/**
 * Takes one token from the bucket at `key`; false when empty. If Redis cannot answer, the request is
 * let through (and logged): a limit must not become an outage.
 * @param {import('redis').RedisClientType} pub @param {string} key @param {number} burst @param {number} perSecond
 * @param {(line: string) => void} log
 * @returns {Promise<boolean>}
 */
export async function takeToken(pub, key, burst, perSecond, log) {
  try {
    return (await pub.eval(TAKE_SCRIPT, { keys: [key], arguments: [String(burst), String(perSecond)] })) === 1;
  } catch (err) {
    log(`redis: rate limit ${/** @type {Error} */ (err).message}`);
    return true;
  }
}

// @ts-check
// STUN/TURN servers for the browsers' RTCPeerConnections, with ephemeral TURN credentials in the
// "TURN REST API" scheme that coturn implements (`use-auth-secret` + `static-auth-secret`): the
// signaling server and the TURN server share a secret; the signaling server hands each participant a
// username `${expiryUnixSeconds}:${user}` and the credential base64(HMAC-SHA1(secret, username)).
// The TURN server recomputes the HMAC and refuses an expired username: no per-user accounts, nothing
// stored, and a leaked credential dies by itself. Protocol: server/PROTOCOL.md ("STUN and TURN").
import { createHmac } from 'node:crypto';

const URL_RE = /^(stun|stuns|turn|turns):\S+$/;
// short-lived: credentials go only to the participants of an accepted share, and a leaked one should
// not outlive the session by much (a page refreshes them from GET /api/ice-servers)
const DEFAULT_TTL_SECONDS = 600;

/**
 * One RTCIceServer with ephemeral credentials for `urls` (turn:/turns: URLs).
 * @param {{ secret: string, urls: string[], ttlSeconds?: number, user: string, now?: number }} options
 *   `now`: the current time in ms (default Date.now()); `ttlSeconds` default 600
 * @returns {{ urls: string[], username: string, credential: string }}
 */
export function turnCredentials({ secret, urls, ttlSeconds = DEFAULT_TTL_SECONDS, user, now = Date.now() }) {
  if (typeof secret !== 'string' || secret === '') throw new TypeError('turnCredentials: `secret` must be a non-empty string');
  if (typeof user !== 'string' || user === '' || user.includes(':'))
    throw new TypeError('turnCredentials: `user` must be a non-empty string without ":"');
  if (!(ttlSeconds > 0)) throw new TypeError('turnCredentials: `ttlSeconds` must be positive');
  const expiry = expirySeconds(now, ttlSeconds);
  const username = `${expiry}:${user}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { urls: [...urls], username, credential };
}

/** The Unix time in seconds at which credentials made at `now` (ms) with `ttlSeconds` expire. */
const expirySeconds = (/** @type {number} */ now, /** @type {number} */ ttlSeconds) => Math.floor(now / 1000) + Math.round(ttlSeconds);

/** An RTCIceServer as participants receive it (the DOM type, which Node does not have). @typedef {{ urls: string[], username?: string, credential?: string }} IceServer */

/**
 * @typedef {object} TurnOptions
 * @property {string} [secret] coturn's `static-auth-secret` (needed when `urls` has turn: URLs)
 * @property {string[]} urls   `turn:`/`turns:` URLs (get credentials) and `stun:` URLs (listed without)
 * @property {number} [ttl]    credential lifetime in seconds; default 600
 */

/**
 * Checks `turn` once, at start-up, and returns `iceServers(user)` (a fresh list for each call), or null
 * when `turn` is not given.
 * @param {TurnOptions | undefined} turn
 * @returns {null | { ttl: number, iceServers(user: string, now?: number): IceServer[], expiresAt(now: number): number }}
 */
export function createIceServers(turn) {
  if (!turn) return null;
  const { secret, urls, ttl = DEFAULT_TTL_SECONDS } = turn;
  if (!Array.isArray(urls) || urls.length === 0) throw new TypeError('turn.urls must be a non-empty array of stun:/turn:/turns: URLs');
  for (const u of urls)
    if (typeof u !== 'string' || !URL_RE.test(u)) throw new TypeError(`turn.urls: not a stun:/stuns:/turn:/turns: URL: ${String(u)}`);
  const stun = urls.filter((u) => u.startsWith('stun'));
  const relay = urls.filter((u) => u.startsWith('turn'));
  if (relay.length && (typeof secret !== 'string' || secret === ''))
    throw new TypeError('turn.secret must be a non-empty string (coturn static-auth-secret)');
  if (!(Number.isFinite(ttl) && ttl > 0)) throw new TypeError('turn.ttl must be a positive number of seconds');
  return {
    ttl,
    iceServers(user, now = Date.now()) {
      /** @type {IceServer[]} */
      const list = [];
      if (stun.length) list.push({ urls: stun });
      if (relay.length) list.push(turnCredentials({ secret: /** @type {string} */ (secret), urls: relay, ttlSeconds: ttl, user, now }));
      return list;
    },
    /** When credentials made at `now` expire, in ms since the epoch (whole seconds). */
    expiresAt: (now) => expirySeconds(now, ttl) * 1000,
  };
}

/**
 * `turn` options from the environment of `node server/bin.mjs`: TURN_SECRET, TURN_URLS
 * (comma-separated), TURN_TTL (seconds, default 600). Undefined when TURN_URLS is not set.
 * @param {Record<string, string | undefined>} env
 * @returns {TurnOptions | undefined}
 */
export function turnOptionsFromEnv(env) {
  const urls = (env.TURN_URLS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (urls.length === 0) return undefined;
  const ttl = env.TURN_TTL ? Number(env.TURN_TTL) : DEFAULT_TTL_SECONDS;
  return { secret: env.TURN_SECRET || undefined, urls, ttl }; // checked by createIceServers
}

// @ts-check
// Who is an agent: the site's identity provider says so, in a JWT the server verifies (jose), HS256
// with a shared secret or RS256/ES256 with the provider's published keys (JWKS). The token's claims
// give the agent's id, display name and the rooms or queues it may serve. The one shared AGENT_KEY of
// earlier versions remains as a development shortcut: every holder is "an agent" for every room.
// Protocol: server/PROTOCOL.md ("Agents").
import { createHash, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';

/** Claim names, overridable (identity providers often require namespaced custom claims). */
export const DEFAULT_CLAIMS = { name: 'name', rooms: 'cobrowse_rooms', queues: 'cobrowse_queues' };
const ASYMMETRIC = ['RS256', 'ES256'];
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * @typedef {object} AgentJwtOptions
 * @property {string} [secret]       HS256 shared secret (at least 32 bytes)
 * @property {string} [jwksUrl]      the provider's JWKS (https; http only on loopback), for RS256/ES256
 * @property {string | string[]} [issuer]    required `iss`; mandatory with `jwksUrl`
 * @property {string | string[]} [audience]  required `aud`; mandatory with `jwksUrl`
 * @property {string[]} [algorithms] asymmetric algorithms accepted from the JWKS; default RS256, ES256
 * @property {Partial<typeof DEFAULT_CLAIMS>} [claims]  claim names of name, rooms, queues
 * @property {number} [clockTolerance]  seconds of clock skew allowed on exp/nbf; default 30
 */

/**
 * A verified agent. `rooms`/`queues`: the room ids / queue names it may serve, or '*' for all.
 * @typedef {{ sub: string, name: string, iss: string | null, via: 'jwt' | 'agent-key', rooms: '*' | string[], queues: '*' | string[] }} AgentIdentity
 */

/** @typedef {{ ok: true, identity: AgentIdentity } | { ok: false, status: 401 | 503, reason: string }} AgentCheck */

/**
 * Checks the configuration once, at start-up (throws on a bad one).
 * @param {{ agentKey?: string | null, jwt?: AgentJwtOptions }} options
 */
export function createAgentAuth({ agentKey = null, jwt }) {
  const keyHash = agentKey ? sha256(agentKey) : null;
  const verifyJwt = jwt ? createJwtVerifier(jwt) : null;
  if (!keyHash && !verifyJwt) throw new TypeError('agents need a way in: `agentJwt` (production) or `agentKey` (development)');

  return {
    /** 'jwt', 'agent-key' or 'jwt+agent-key' (the latter two: development). */
    mode: [verifyJwt && 'jwt', keyHash && 'agent-key'].filter(Boolean).join('+'),

    /**
     * The identity behind a bearer credential (a JWT, or the development key). Never throws.
     * @param {string | null | undefined} bearer
     * @param {string} [keyName]  the display name a development-key holder asks for
     * @returns {Promise<AgentCheck>}
     */
    async verify(bearer, keyName = 'Agent') {
      if (typeof bearer !== 'string' || bearer === '' || bearer.length > 8192) return refused('no credential');
      if (keyHash && timingSafeEqual(sha256(bearer), keyHash)) {
        return {
          ok: true,
          identity: { sub: `agent-key:${keyName}`, name: keyName, iss: 'AGENT_KEY', via: 'agent-key', rooms: '*', queues: '*' },
        };
      }
      if (!verifyJwt || bearer.split('.').length !== 3) return refused(verifyJwt ? 'not a JWT' : 'wrong agent key');
      return verifyJwt(bearer);
    },

    /** May this agent serve `room`? @param {AgentIdentity} identity @param {{ id: string, queue: string }} room */
    allows(identity, room) {
      const { rooms, queues } = identity;
      return rooms === '*' || queues === '*' || rooms.includes(room.id) || queues.includes(room.queue);
    },
  };
}

/** @param {string} reason @returns {AgentCheck} */
const refused = (reason) => ({ ok: false, status: 401, reason });

/** @param {AgentJwtOptions} jwt */
function createJwtVerifier(jwt) {
  const { secret, jwksUrl, issuer, audience } = jwt;
  if (!secret && !jwksUrl) throw new TypeError('agentJwt needs `secret` (HS256) or `jwksUrl` (RS256/ES256)');
  if (secret !== undefined && (typeof secret !== 'string' || Buffer.byteLength(secret) < 32)) {
    throw new TypeError('agentJwt.secret must be a string of at least 32 bytes (HS256 is only as strong as its secret)');
  }
  const asymmetric = jwksUrl ? (jwt.algorithms ?? ASYMMETRIC) : [];
  // a symmetric algorithm with a published key would let anyone sign: the key set is for RS256/ES256 only
  for (const alg of asymmetric)
    if (!ASYMMETRIC.includes(alg)) throw new TypeError(`agentJwt.algorithms: ${alg} is not one of ${ASYMMETRIC.join(', ')}`);
  const algorithms = [...(secret ? ['HS256'] : []), ...asymmetric];
  const jwks = jwksUrl
    ? createRemoteJWKSet(checkJwksUrl(jwksUrl, issuer, audience), {
        timeoutDuration: 5000,
        cooldownDuration: 30_000,
        cacheMaxAge: 10 * 60_000,
      })
    : null;
  const hmacKey = secret ? new TextEncoder().encode(secret) : null;
  const names = { ...DEFAULT_CLAIMS, ...jwt.claims };

  /** The key for this token's header: HS256 → the shared secret; RS256/ES256 → the JWKS. */
  const keyFor = (/** @type {import('jose').JWTHeaderParameters} */ header, /** @type {import('jose').FlattenedJWSInput} */ token) => {
    if (header.alg === 'HS256' && hmacKey) return hmacKey;
    if (header.alg !== 'HS256' && jwks) return jwks(header, token);
    throw new errors.JOSEAlgNotAllowed(`"alg" (Algorithm) Header Parameter value not allowed`);
  };

  /** @param {string} token @returns {Promise<AgentCheck>} */
  return async (token) => {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, keyFor, {
        algorithms,
        ...(issuer !== undefined && { issuer }),
        ...(audience !== undefined && { audience }),
        requiredClaims: ['exp', 'sub'],
        clockTolerance: jwt.clockTolerance ?? 30,
      }));
    } catch (err) {
      return describe(err);
    }
    return identityFrom(payload, names);
  };
}

/** @param {string} url @param {unknown} issuer @param {unknown} audience */
function checkJwksUrl(url, issuer, audience) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`agentJwt.jwksUrl is not a URL: ${url}`);
  }
  // a JWKS fetched in clear over a network can be swapped for the attacker's keys
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && LOOPBACK.has(parsed.hostname))) {
    throw new TypeError('agentJwt.jwksUrl must be https: (http: only on loopback, for tests)');
  }
  // a provider's keys sign tokens for all of its applications: without iss and aud a token minted
  // for another application of the same provider would open this server
  if (!issuer || !audience) throw new TypeError('agentJwt with jwksUrl needs `issuer` and `audience`');
  return parsed;
}

/**
 * The identity in verified claims, or a refusal when they do not say who or what.
 * @param {import('jose').JWTPayload} payload @param {typeof DEFAULT_CLAIMS} names @returns {AgentCheck}
 */
function identityFrom(payload, names) {
  const sub = payload.sub;
  if (typeof sub !== 'string' || sub === '' || sub.length > 256) return refused('`sub` must be a string of 1–256 characters');
  const rooms = scope(payload[names.rooms]);
  const queues = scope(payload[names.queues]);
  if (rooms === null || queues === null) return refused(`\`${names.rooms}\` and \`${names.queues}\` must be "*" or arrays of strings`);
  const given = payload[names.name] ?? payload.preferred_username;
  const name = cleanName(typeof given === 'string' ? given : '') || cleanName(sub);
  return { ok: true, identity: { sub, name, iss: typeof payload.iss === 'string' ? payload.iss : null, via: 'jwt', rooms, queues } };
}

/**
 * A rooms/queues claim: absent → nothing, '*' (or a list holding '*', for providers that only emit
 * lists; no room id or queue name contains '*') → all, an array of strings → those; else null.
 */
function scope(/** @type {unknown} */ value) {
  if (value === undefined) return [];
  if (value === '*') return '*';
  if (Array.isArray(value) && value.length <= 1000 && value.every((v) => typeof v === 'string')) return value.includes('*') ? '*' : value;
  return null;
}

/** A display name from a claim: control characters removed, trimmed, at most 64 characters. */
function cleanName(/** @type {string} */ value) {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  const printable = value.replace(/[\u0000-\u001f\u007f]/g, '');
  return printable.trim().slice(0, 64);
}

/** jose's errors as a short reason (logged and returned to the client: nothing secret in them). */
/** @param {unknown} err @returns {AgentCheck} */
function describe(err) {
  if (err instanceof errors.JWTExpired) return refused('expired');
  if (err instanceof errors.JWTClaimValidationFailed)
    return refused(`claim \`${err.claim}\` ${err.reason === 'missing' ? 'missing' : 'refused'}`);
  if (err instanceof errors.JOSEAlgNotAllowed) return refused('algorithm not allowed');
  if (err instanceof errors.JWSSignatureVerificationFailed) return refused('bad signature');
  if (err instanceof errors.JWKSNoMatchingKey) return refused('no key of the identity provider matches');
  if (err instanceof errors.JWKSTimeout || (err instanceof Error && /fetch|ECONNREFUSED|Expected 200/i.test(err.message))) {
    return { ok: false, status: 503, reason: 'the identity provider’s keys could not be fetched' };
  }
  return refused('malformed token');
}

/** @param {string} s */
function sha256(s) {
  return createHash('sha256').update(s).digest();
}

/**
 * `agentJwt` from the environment of `node server/bin.mjs`: AGENT_JWT_SECRET, AGENT_JWKS_URL,
 * AGENT_JWT_ISSUER, AGENT_JWT_AUDIENCE, AGENT_JWT_ALGORITHMS (comma-separated). Undefined without
 * a secret or a JWKS URL.
 * @param {Record<string, string | undefined>} env
 * @returns {AgentJwtOptions | undefined}
 */
export function agentJwtOptionsFromEnv(env) {
  if (!env.AGENT_JWT_SECRET && !env.AGENT_JWKS_URL) return undefined;
  const list = (/** @type {string | undefined} */ v) =>
    v
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return {
    ...(env.AGENT_JWT_SECRET && { secret: env.AGENT_JWT_SECRET }),
    ...(env.AGENT_JWKS_URL && { jwksUrl: env.AGENT_JWKS_URL }),
    ...(env.AGENT_JWT_ISSUER && { issuer: env.AGENT_JWT_ISSUER }),
    ...(env.AGENT_JWT_AUDIENCE && { audience: env.AGENT_JWT_AUDIENCE }),
    ...(env.AGENT_JWT_ALGORITHMS && { algorithms: list(env.AGENT_JWT_ALGORITHMS) }),
  };
}

// @ts-check
// Signed tokens: the server hands them out and checks them; it never stores them. A token is
// base64url(JSON claims) "." base64url(HMAC-SHA256(secret, kind + "." + claims)). Binding the kind into
// the MAC means a chat token can never be replayed as a PeerJS token or the other way round.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** @typedef {'customer' | 'agent'} Role */
/**
 * `sub`, `iss`, `via`: an agent's verified identity (server/agent-auth.mjs), carried for the audit log.
 * @typedef {{ room: string, role: Role, name: string, exp: number, peer?: string, sub?: string, iss?: string | null, via?: 'jwt' | 'agent-key' }} Claims
 */

/** Random url-safe id: room ids and peer ids are chosen here, never by clients. */
export function randomId(bytes = 12) {
  return randomBytes(bytes).toString('base64url');
}

/**
 * @param {Buffer | string} secret
 */
export function createTokens(secret) {
  const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  /** @param {string} kind @param {string} body */
  const mac = (kind, body) => createHmac('sha256', key).update(`${kind}.${body}`).digest();

  return {
    /**
     * @param {'chat' | 'peer'} kind
     * @param {Omit<Claims, 'exp'>} claims
     * @param {number} ttlMs
     */
    sign(kind, claims, ttlMs) {
      const body = Buffer.from(JSON.stringify({ ...claims, exp: Date.now() + ttlMs })).toString('base64url');
      return `${body}.${mac(kind, body).toString('base64url')}`;
    },

    /**
     * The claims of a valid, unexpired token of this kind, or null (never throws: tokens come from clients).
     * @param {'chat' | 'peer'} kind
     * @param {unknown} token
     * @returns {Claims | null}
     */
    verify(kind, token) {
      if (typeof token !== 'string' || token.length > 2048) return null;
      const dot = token.indexOf('.');
      if (dot <= 0 || dot !== token.lastIndexOf('.')) return null;
      const body = token.slice(0, dot);
      const given = Buffer.from(token.slice(dot + 1), 'base64url');
      const want = mac(kind, body);
      if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
      let claims;
      try {
        claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      } catch {
        return null;
      }
      if (!claims || typeof claims !== 'object') return null;
      if (typeof claims.exp !== 'number' || claims.exp <= Date.now()) return null;
      if (typeof claims.room !== 'string' || typeof claims.name !== 'string') return null;
      if (claims.role !== 'customer' && claims.role !== 'agent') return null;
      return claims;
    },
  };
}

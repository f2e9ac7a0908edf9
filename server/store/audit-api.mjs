// @ts-check
// GET /api/audit: the audit log (and, with kinds=chat.text, transcripts) over HTTP for an administrator
// holding ADMIN_KEY. Live (reads the server's own copy), JSON, no CORS: meant for curl and back offices.
import { createHash, timingSafeEqual } from 'node:crypto';
import express from 'express';

const MAX = 10_000;

/**
 * @param {{ audit: import('./audit-store.mjs').AuditStore, adminKey: string }} ctx
 *
 *   GET /api/audit?room=R&since=ISO&until=ISO&kinds=a,b&limit=N   Authorization: Bearer ADMIN_KEY
 *   → { events: [{ id, kind, at, room, data } | { id, kind, at, error }], truncated }
 */
export function createAuditApi({ audit, adminKey }) {
  const router = express.Router();
  const want = sha256(adminKey);
  router.use((req, res, next) => {
    res.set('cache-control', 'no-store');
    const m = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
    if (!m || !timingSafeEqual(sha256(m[1]), want)) {
      return void res.status(401).json({ code: 'unauthorized', message: '/api/audit needs `Authorization: Bearer <ADMIN_KEY>`' });
    }
    next();
  });
  router.get('/', (req, res) => {
    const q = /** @type {Record<string, unknown>} */ (req.query);
    const bad = (/** @type {string} */ message) => void res.status(400).json({ code: 'malformed', message });
    const str = (/** @type {string} */ k) => (typeof q[k] === 'string' && q[k] !== '' ? /** @type {string} */ (q[k]) : undefined);
    const time = (/** @type {string} */ k) => {
      const v = str(k);
      if (v === undefined) return undefined;
      const t = Date.parse(v);
      return Number.isNaN(t) ? NaN : t;
    };
    const since = time('since');
    const until = time('until');
    if (Number.isNaN(since) || Number.isNaN(until)) return bad('`since` and `until` must be ISO dates, e.g. 2026-01-31T12:00:00Z');
    const limit = str('limit') === undefined ? 1000 : Number(str('limit'));
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX) return bad(`\`limit\` must be an integer from 1 to ${MAX}`);
    const kinds = str('kinds')?.split(',').filter(Boolean);
    const events = audit.events({ room: str('room'), since, until, kinds, limit: limit + 1 });
    res.json({ events: events.slice(0, limit), truncated: events.length > limit });
  });
  router.use((req, res) => void res.status(404).json({ code: 'not-found', message: `no ${req.method} /api/audit${req.path}` }));
  return router;
}

/** @param {string} s */
function sha256(s) {
  return createHash('sha256').update(s).digest();
}

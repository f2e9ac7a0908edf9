// The HTTP API: a customer creates a room (and gets its chat token); an agent, with the agent key,
// lists rooms and gets agent tokens. Bearer auth, no cookies, so CORS can be open.
import { createHash, timingSafeEqual } from 'node:crypto';
import express from 'express';
import { TokenBucket } from './limits.mjs';
import { shareState } from './chat-socket.mjs';

/**
 * @param {object} ctx
 * @param {ReturnType<import('./rooms.mjs').createRoomStore>} ctx.store
 * @param {ReturnType<import('./tokens.mjs').createTokens>} ctx.tokens
 * @param {typeof import('./limits.mjs').DEFAULT_LIMITS} ctx.limits
 * @param {string} ctx.agentKey
 * @param {{ customer: number, agent: number }} ctx.ttl  chat token lifetimes, ms
 * @param {string} ctx.corsOrigin
 * @param {ReturnType<import('./turn.mjs').createIceServers>} [ctx.ice]  STUN/TURN servers, when configured
 * @param {import('./store/audit-store.mjs').AuditStore | null} [ctx.audit]  the audit log, when kept
 */
export function createApi({ store, tokens, limits, agentKey, ttl, corsOrigin, ice, audit = null }) {
  const api = express.Router();
  const agentKeyHash = sha256(agentKey);
  /** @type {Map<string, TokenBucket>} */
  const perIp = new Map();

  /** @param {string} room @param {string} name */
  const customerToken = (room, name) => tokens.sign('chat', { room, role: 'customer', name }, ttl.customer);
  /** @param {string} room @param {string} name */
  const agentToken = (room, name) => tokens.sign('chat', { room, role: 'agent', name }, ttl.agent);

  api.use((req, res, next) => {
    res.set({
      'access-control-allow-origin': corsOrigin,
      'access-control-allow-headers': 'authorization, content-type',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'cache-control': 'no-store',
    });
    if (req.method === 'OPTIONS') return void res.sendStatus(204);
    next();
  });
  api.use(express.json({ limit: '4kb' }));

  /** @type {import('express').RequestHandler} */
  const agentOnly = (req, res, next) => {
    const m = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
    if (!m || !timingSafeEqual(sha256(m[1]), agentKeyHash)) {
      return void res.status(401).json({ code: 'unauthorized', message: 'agent endpoints need `Authorization: Bearer <AGENT_KEY>`' });
    }
    next();
  };

  api.post('/rooms', (req, res) => {
    const ip = req.socket.remoteAddress ?? '';
    let bucket = perIp.get(ip);
    if (!bucket) {
      if (perIp.size > 10000) perIp.clear(); // crude bound: forgetting buckets only ever lets through more
      bucket = new TokenBucket(limits.roomBurst, 1000 / limits.roomEveryMs);
      perIp.set(ip, bucket);
    }
    if (!bucket.take()) return void res.status(429).json({ code: 'rate-limited', message: 'too many rooms created from this address: wait a few seconds' });
    const name = cleanName(req.body?.name, 'Customer');
    if (name === null) return void res.status(400).json({ code: 'malformed', message: '`name` must be a string of 1–64 characters' });
    const room = store.create(name);
    if (!room) return void res.status(503).json({ code: 'unavailable', message: 'the server has too many rooms' });
    audit?.record(room.id, 'room.created', { customerName: name, address: ip }, room.createdAt);

    res.status(201).json({ room: room.id, token: customerToken(room.id, name), expiresAt: Date.now() + ttl.customer });
  });

  api.get('/rooms', agentOnly, (req, res) => {
    const agent = cleanName(req.query.name, 'Agent') ?? 'Agent';
    res.json(
      [...store.rooms.values()].map((room) => ({
        room: room.id,
        customerName: room.customerName,
        createdAt: room.createdAt,
        online: [...room.members].map((m) => ({ role: m.party.role, name: m.party.name })),
        share: shareState(room).state,
        agentToken: agentToken(room.id, agent),
      })),
    );
  });

  api.post('/rooms/:room/agent-token', agentOnly, (req, res) => {
    const room = store.get(req.params.room);
    if (!room) return void res.status(404).json({ code: 'not-found', message: 'no such room' });
    const name = cleanName(req.body?.name, 'Agent');
    if (name === null) return void res.status(400).json({ code: 'malformed', message: '`name` must be a string of 1–64 characters' });
    res.json({ room: room.id, token: agentToken(room.id, name), expiresAt: Date.now() + ttl.agent });
  });

  // fresh TURN credentials for a chat participant (the welcome's expire after `turn.ttl`)
  api.get('/ice-servers', (req, res) => {
    const claims = tokens.verify('chat', /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? null);
    if (!claims || !store.get(claims.room)) {
      return void res.status(401).json({ code: 'unauthorized', message: 'needs `Authorization: Bearer <chat token>` of an existing room' });
    }
    if (!ice) return void res.status(404).json({ code: 'not-found', message: 'this server has no STUN/TURN servers configured' });
    const now = Date.now();
    res.json({ iceServers: ice.iceServers(claims.room, now), expiresAt: ice.expiresAt(now) });
  });

  api.use((req, res) => void res.status(404).json({ code: 'not-found', message: `no ${req.method} ${req.path}` }));
  // express.json's errors (bad JSON, body over 4 KB) as our JSON errors
  api.use((/** @type {{ status?: number, type?: string }} */ err, /** @type {import('express').Request} */ _req, /** @type {import('express').Response} */ res, /** @type {() => void} */ _next) => {
    if (err.type === 'entity.too.large') return void res.status(413).json({ code: 'too-large', message: 'request body over 4 KB' });
    res.status(err.status && err.status < 500 ? err.status : 400).json({ code: 'malformed', message: 'request body is not valid JSON' });
  });

  return { api, customerToken, agentToken };
}

/** @param {string} s */
function sha256(s) {
  return createHash('sha256').update(s).digest();
}

/** A display name: trimmed, 1–64 characters, control characters removed; `fallback` when absent, null when invalid. */
function cleanName(/** @type {unknown} */ value, /** @type {string} */ fallback) {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'string') return null;
  // eslint-disable-next-line no-control-regex
  const name = value.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return name.length >= 1 && name.length <= 64 ? name : null;
}

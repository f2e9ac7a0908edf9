import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createRoom, chat } from '../test-support/helpers.mjs';

let server;
before(async () => {
  server = await startServer({ limits: { roomBurst: 3, roomEveryMs: 60_000 } });
});
after(() => server.close());

const agentHeaders = { authorization: 'Bearer test-agent-key', 'content-type': 'application/json' };

test('POST /api/rooms creates a room with a customer token', async () => {
  const res = await fetch(`${server.url}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"name":"  Carol \\u0007"}',
  });
  assert.equal(res.status, 201);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  const body = await res.json();
  assert.match(body.room, /^[A-Za-z0-9_-]{16}$/);
  assert.equal(typeof body.token, 'string');
  assert.ok(body.expiresAt > Date.now());
  assert.equal(server.store.get(body.room).customerName, 'Carol');
});

test('agents list rooms only with the agent key', async () => {
  const { room, token } = await createRoom(server, 'Dave');
  assert.equal((await fetch(`${server.url}/api/rooms`)).status, 401);
  const wrong = await fetch(`${server.url}/api/rooms`, { headers: { authorization: 'Bearer nope' } });
  assert.equal(wrong.status, 401);
  assert.equal((await wrong.json()).code, 'unauthorized');
  const res = await fetch(`${server.url}/api/rooms?name=Alice`, { headers: agentHeaders });
  assert.equal(res.status, 200);
  const list = await res.json();
  const entry = list.find((r) => r.room === room);
  assert.equal(entry.customerName, 'Dave');
  assert.equal(entry.share, 'idle');
  assert.deepEqual(entry.online, []);
  assert.equal(entry.queue, 'default');
  assert.equal('agentToken' in entry, false, 'no token for every room: one is fetched per room');
  assert.equal(entry.lastText, null, 'nothing said yet');
  // when the last text was sent and by whom: the console's unread markers
  const customer = await chat(server, token);
  customer.send({ type: 'text', text: 'hello?' });
  const said = await customer.next('text');
  const later = (await (await fetch(`${server.url}/api/rooms`, { headers: agentHeaders })).json()).find((r) => r.room === room);
  assert.deepEqual(later.lastText, { at: said.at, role: 'customer' });
  customer.close();
  assert.ok(!JSON.stringify(later).includes('hello?'), 'never the text itself');
});

test('POST /api/rooms/:room/agent-token', async () => {
  const { room } = await createRoom(server);
  const res = await fetch(`${server.url}/api/rooms/${room}/agent-token`, { method: 'POST', headers: agentHeaders, body: '{"name":"Bob"}' });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).room, room);
  const missing = await fetch(`${server.url}/api/rooms/nope/agent-token`, { method: 'POST', headers: agentHeaders, body: '{}' });
  assert.equal(missing.status, 404);
  const noKey = await fetch(`${server.url}/api/rooms/${room}/agent-token`, { method: 'POST', body: '{}' });
  assert.equal(noKey.status, 401);
});

test('bad bodies get JSON errors', async () => {
  const bad = await fetch(`${server.url}/api/rooms/x/agent-token`, { method: 'POST', headers: agentHeaders, body: '{nope' });
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).code, 'malformed');
  const big = await fetch(`${server.url}/api/rooms/x/agent-token`, {
    method: 'POST',
    headers: agentHeaders,
    body: JSON.stringify({ name: 'x'.repeat(10_000) }),
  });
  assert.equal(big.status, 413);
  assert.equal((await big.json()).code, 'too-large');
  const name = await fetch(`${server.url}/api/rooms/x/agent-token`, {
    method: 'POST',
    headers: agentHeaders,
    body: JSON.stringify({ name: 42 }),
  });
  assert.equal(name.status, 404); // the room is checked first
  const preflight = await fetch(`${server.url}/api/rooms`, { method: 'OPTIONS' });
  assert.equal(preflight.status, 204);
  assert.match(preflight.headers.get('access-control-allow-headers'), /authorization/);
});

test('room creation is rate limited per address', async () => {
  // 3 burst (some used by the tests above, which run first in this file)
  const statuses = [];
  for (let i = 0; i < 4; i++) {
    statuses.push(
      (await fetch(`${server.url}/api/rooms`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status,
    );
  }
  assert.equal(statuses.at(-1), 429);
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTokens } from '../tokens.mjs';
import { startServer, createRoom, client } from '../testing/helpers.mjs';

const claims = { room: 'r1', role: 'customer', name: 'Carol' };

test('a token verifies with its secret and kind only', () => {
  const t = createTokens('s1');
  const token = t.sign('chat', claims, 60_000);
  assert.equal(t.verify('chat', token).room, 'r1');
  assert.equal(t.verify('peer', token), null, 'a chat token is not a peer token');
  assert.equal(createTokens('s2').verify('chat', token), null, 'another secret');
  assert.equal(t.verify('chat', t.sign('chat', claims, -1)), null, 'expired');
});

test('a forged token is refused', () => {
  const t = createTokens('s1');
  const [body, mac] = t.sign('chat', claims, 60_000).split('.');
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url')), role: 'agent' })).toString('base64url');
  assert.equal(t.verify('chat', `${forged}.${mac}`), null);
  assert.equal(t.verify('chat', `${body}.${mac.slice(0, -2)}`), null);
  for (const junk of [undefined, '', '.', 'a.b.c', 42, 'x'.repeat(5000)]) assert.equal(t.verify('chat', junk), null);
  // a valid MAC over claims of the wrong shape
  const odd = Buffer.from(JSON.stringify({ room: 'r', role: 'admin', name: 'x', exp: Date.now() + 1e6 })).toString('base64url');
  assert.equal(t.verify('chat', odd + '.' + t.sign('chat', claims, 1).split('.')[1]), null);
});

let server;
before(async () => {
  server = await startServer();
});
after(() => server.close());

async function refused(token) {
  const c = client(`${server.ws}/chat${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`);
  const err = await c.next();
  const closed = await c.closed;
  return { err, closed };
}

test('the chat refuses missing, forged, expired and foreign tokens', async () => {
  const { room, token } = await createRoom(server);
  const [body, mac] = token.split('.');
  const asAgent = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url')), role: 'agent' })).toString('base64url');
  const expired = createTokens('other').sign('chat', { room, role: 'customer', name: 'x' }, 60_000);
  for (const bad of [undefined, 'garbage', `${asAgent}.${mac}`, expired]) {
    const { err, closed } = await refused(bad);
    assert.equal(err.type, 'error');
    assert.equal(err.code, 'unauthorized');
    assert.equal(closed.code, 4401);
  }
});

test('an expired token is refused', async () => {
  const short = await startServer({ ttl: { customer: 50 } });
  try {
    const { token } = await createRoom(short);
    await new Promise((r) => setTimeout(r, 80));
    const c = client(`${short.ws}/chat?token=${encodeURIComponent(token)}`);
    assert.equal((await c.next()).code, 'unauthorized');
    assert.equal((await c.closed).code, 4401);
  } finally {
    await short.close();
  }
});

test('a token of a deleted room is refused', async () => {
  const { room, token } = await createRoom(server);
  server.store.delete(server.store.get(room));
  const { err } = await refused(token);
  assert.equal(err.code, 'unauthorized');
  assert.match(err.message, /no longer exists/);
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createTokens } from '../tokens.mjs';
import { startServer, createRoom, client } from '../test-support/helpers.mjs';

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
});

/**
 * A token made the way tokens.mjs documents it (base64url body "." HMAC-SHA256(secret, kind "." body)),
 * written here from the format rather than with `sign()`, so the body can be anything at all.
 */
const macOver = (secret, kind, bodyText) => {
  const body = Buffer.from(bodyText).toString('base64url');
  return `${body}.${createHmac('sha256', secret).update(`${kind}.${body}`).digest('base64url')}`;
};
const later = () => Date.now() + 600_000;

/** Bodies whose MAC is valid but whose claims are not `{ room, role: customer|agent, name, exp }`. */
const WRONG_SHAPES = {
  'role admin': () => JSON.stringify({ room: 'r', role: 'admin', name: 'x', exp: later() }),
  'role missing': () => JSON.stringify({ room: 'r', name: 'x', exp: later() }),
  'room a number': () => JSON.stringify({ room: 7, role: 'customer', name: 'x', exp: later() }),
  'room missing': () => JSON.stringify({ role: 'agent', name: 'x', exp: later() }),
  'name an object': () => JSON.stringify({ room: 'r', role: 'agent', name: { first: 'x' }, exp: later() }),
  'exp a string': () => JSON.stringify({ room: 'r', role: 'agent', name: 'x', exp: String(later()) }),
  'exp missing': () => JSON.stringify({ room: 'r', role: 'agent', name: 'x' }),
  'JSON null': () => 'null',
  'JSON array': () => JSON.stringify(['r', 'agent', 'x', later()]),
  'JSON number': () => '42',
  'not JSON': () => '{room: r',
};

test('a valid MAC over claims of the wrong shape is refused', () => {
  const t = createTokens('s1');
  // positive control: the same hand-made construction over well-formed claims verifies, so the MAC is
  // right and every refusal below comes from the claim-shape check, not from the MAC
  const good = macOver('s1', 'chat', JSON.stringify({ ...claims, exp: later() }));
  assert.deepEqual(t.verify('chat', good), { ...claims, exp: JSON.parse(Buffer.from(good.split('.')[0], 'base64url')).exp });
  for (const [name, body] of Object.entries(WRONG_SHAPES)) {
    const token = macOver('s1', 'chat', body());
    assert.equal(t.verify('chat', token), null, `${name}: accepted ${JSON.stringify(t.verify('chat', token))}`);
    assert.equal(createTokens('s1').verify('peer', macOver('s1', 'peer', body())), null, `${name} (peer token)`);
  }
});

const SECRET = 'tokens-test-secret';
let server;
before(async () => {
  server = await startServer({ secret: SECRET });
});
after(() => server.close());

async function refused(token) {
  const c = client(`${server.ws}/chat${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`);
  const err = await c.next();
  // a socket the server wrongly accepts stays open: give up waiting for the close (then closed is null)
  const closed = await Promise.race([c.closed, new Promise((r) => setTimeout(r, 5000, null))]);
  if (!closed) c.close();
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
    assert.equal(closed?.code, 4401);
  }
});

test("the chat refuses a token with a valid MAC (the server's own secret) over claims of the wrong shape", async () => {
  const { room } = await createRoom(server);
  // positive control: a hand-made token over well-formed claims of this room is welcomed
  const ok = client(
    `${server.ws}/chat?token=${encodeURIComponent(macOver(SECRET, 'chat', JSON.stringify({ room, role: 'customer', name: 'Hand', exp: later() })))}`,
  );
  assert.equal((await ok.next()).type, 'welcome');
  ok.close();
  const shapes = {
    ...WRONG_SHAPES,
    'role admin in a real room': () => JSON.stringify({ room, role: 'admin', name: 'x', exp: later() }),
    'name a number in a real room': () => JSON.stringify({ room, role: 'agent', name: 5, exp: later() }),
  };
  for (const [name, body] of Object.entries(shapes)) {
    const { err, closed } = await refused(macOver(SECRET, 'chat', body()));
    assert.equal(err.code, 'unauthorized', `${name}: got ${JSON.stringify(err).slice(0, 120)}`);
    assert.equal(closed?.code, 4401, name);
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

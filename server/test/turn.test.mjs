// Ephemeral TURN credentials (coturn's REST-API scheme) and how the server hands them out: only to
// the participants of an accepted share (the customer when it accepts, an agent with the invitation
// the customer sent it), short-lived, and from GET /api/ice-servers to the same people. That coturn
// accepts them is test/e2e/turn.test.mjs.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createIceServers, turnCredentials, turnOptionsFromEnv } from '../turn.mjs';
import { startServer, createRoom, chat, roomWithBoth } from '../test-support/helpers.mjs';

const SECRET = 'turn-test-secret';
const TURN = { secret: SECRET, urls: ['stun:127.0.0.1:3478', 'turn:127.0.0.1:3478?transport=udp', 'turns:turn.example:5349'], ttl: 600 };

/** Splits `${expiry}:${user}` and checks the credential the way coturn does. */
function check(server, secret = SECRET) {
  const [expiry, user] = server.username.split(':');
  const expected = createHmac('sha1', secret).update(server.username).digest('base64');
  return { expiry: Number(expiry), user, valid: server.credential === expected };
}

describe('turnCredentials', () => {
  test('username is `${expiry}:${user}`, credential base64(HMAC-SHA1(secret, username)): a vector from openssl', () => {
    // printf '%s' '1700003600:alice' | openssl dgst -sha1 -hmac 'north-wind' -binary | base64
    const c = turnCredentials({
      secret: 'north-wind',
      urls: ['turn:127.0.0.1:3478'],
      ttlSeconds: 3600,
      user: 'alice',
      now: 1_700_000_000_000,
    });
    assert.deepEqual(c, { urls: ['turn:127.0.0.1:3478'], username: '1700003600:alice', credential: 'iRtTIZ3N38dm9S+dP+UkHfnN9Qo=' });
  });

  test('the expiry is now + ttl in Unix seconds (default ttl ten minutes), whole seconds', () => {
    const now = 1_234_567_890_999; // .999 s: floored, not rounded up
    assert.equal(turnCredentials({ secret: 's', urls: [], user: 'u', now }).username, `${1_234_567_890 + 600}:u`);
    assert.equal(turnCredentials({ secret: 's', urls: [], user: 'u', now, ttlSeconds: 60 }).username, `${1_234_567_890 + 60}:u`);
  });

  test('another secret, another credential; the urls are copied, not shared', () => {
    const urls = ['turn:a'];
    const a = turnCredentials({ secret: 'one', urls, user: 'u', now: 0 });
    const b = turnCredentials({ secret: 'two', urls, user: 'u', now: 0 });
    assert.equal(a.username, b.username);
    assert.notEqual(a.credential, b.credential);
    assert.ok(check(a, 'one').valid && !check(a, 'two').valid);
    urls.push('turn:b');
    assert.deepEqual(a.urls, ['turn:a']);
  });

  test('refuses an empty secret, a user with ":" (the separator), a ttl that is not positive', () => {
    assert.throws(() => turnCredentials({ secret: '', urls: [], user: 'u' }), TypeError);
    assert.throws(() => turnCredentials({ secret: 's', urls: [], user: 'a:b' }), TypeError);
    assert.throws(() => turnCredentials({ secret: 's', urls: [], user: '' }), TypeError);
    assert.throws(() => turnCredentials({ secret: 's', urls: [], user: 'u', ttlSeconds: 0 }), TypeError);
  });
});

describe('createIceServers and the environment', () => {
  test('STUN URLs are listed without credentials, TURN URLs with fresh ones', () => {
    const ice = createIceServers(TURN);
    const list = ice.iceServers('peer1', 1_700_000_000_000);
    assert.equal(list.length, 2);
    assert.deepEqual(list[0], { urls: ['stun:127.0.0.1:3478'] });
    assert.deepEqual(list[1].urls, ['turn:127.0.0.1:3478?transport=udp', 'turns:turn.example:5349']);
    assert.deepEqual(check(list[1]), { expiry: 1_700_000_000 + 600, user: 'peer1', valid: true });
  });

  test('no `turn`: null; a bad configuration fails at start-up', () => {
    assert.equal(createIceServers(undefined), null);
    assert.throws(() => createIceServers({ secret: 's', urls: [] }), /urls/);
    assert.throws(() => createIceServers({ secret: 's', urls: ['http://turn.example'] }), /not a stun/);
    assert.throws(() => createIceServers({ urls: ['turn:127.0.0.1'] }), /secret/);
    assert.throws(() => createIceServers({ secret: 's', urls: ['turn:127.0.0.1'], ttl: -1 }), /ttl/);
    assert.deepEqual(
      createIceServers({ urls: ['stun:127.0.0.1'] }).iceServers('p'),
      [{ urls: ['stun:127.0.0.1'] }],
      'STUN only needs no secret',
    );
  });

  test('TURN_URLS (comma-separated), TURN_SECRET, TURN_TTL', () => {
    assert.equal(turnOptionsFromEnv({}), undefined);
    assert.deepEqual(turnOptionsFromEnv({ TURN_URLS: ' turn:a:3478 , stun:b ', TURN_SECRET: 'x' }), {
      secret: 'x',
      urls: ['turn:a:3478', 'stun:b'],
      ttl: 600,
    });
    assert.equal(createIceServers({ secret: 'x', urls: ['turn:a'] }).ttl, 600, 'short-lived by default');
    assert.equal(turnOptionsFromEnv({ TURN_URLS: 'turn:a', TURN_SECRET: 'x', TURN_TTL: '120' }).ttl, 120);
    assert.throws(() => createIceServers(turnOptionsFromEnv({ TURN_URLS: 'turn:a' })), /secret/, 'TURN without a secret is refused');
  });
});

describe('the server hands them out only to the participants of an accepted share', () => {
  let withTurn;
  let without;
  before(async () => {
    withTurn = await startServer({ turn: TURN });
    without = await startServer();
  });
  after(async () => {
    await withTurn.close();
    await without.close();
  });

  const INVITATION_SECRET = Buffer.alloc(16, 9).toString('base64url');
  const getIce = (server, bearer) =>
    fetch(`${server.url}/api/ice-servers`, bearer ? { headers: { authorization: `Bearer ${bearer}` } } : {});

  /** A room with customer, the inviting agent and a bystander agent; the agent's invite accepted. */
  async function acceptedShare(server) {
    const { room, token } = await createRoom(server, 'Carol');
    const customer = await chat(server, token);
    const agent = await chat(server, server.agentToken(room, 'Alice'));
    const bystander = await chat(server, server.agentToken(room, 'Bystander'));
    agent.send({ type: 'invite' });
    await customer.next('invite');
    const order = [];
    customer.ws.on('message', (data) => order.push(JSON.parse(data.toString()).type));
    customer.send({ type: 'accept', invitation: { peer: customer.welcome.peer.id } });
    await customer.next('accept');
    return { room, token, customer, agent, bystander, order };
  }

  /** A TURN server entry's credentials were made for `user`, valid, expiring now + 600 s. */
  function assertGrant(list, user, t0) {
    const turn = list.find((x) => x.username);
    assert.deepEqual(turn.urls, ['turn:127.0.0.1:3478?transport=udp', 'turns:turn.example:5349']);
    const c = check(turn);
    assert.ok(c.valid, 'the HMAC matches the shared secret');
    assert.equal(c.user, user);
    assert.ok(c.expiry >= t0 + 600 && c.expiry <= Math.ceil(Date.now() / 1000) + 600, `expiry ${c.expiry} is now + ttl`);
    return c;
  }

  test('none in POST /api/rooms, none in any welcome before a share', async () => {
    const res = await fetch(`${withTurn.url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const text = await res.text();
    assert.deepEqual(Object.keys(JSON.parse(text)).sort(), ['expiresAt', 'room', 'token']);
    assert.ok(!/turn:|credential|username/.test(text), text);
    const { room, token } = JSON.parse(text);
    const customer = await chat(withTurn, token);
    const agent = await chat(withTurn, withTurn.agentToken(room));
    for (const c of [customer, agent]) {
      assert.ok(!('iceServers' in c.welcome), `${c.welcome.role}: no iceServers in the welcome`);
      assert.ok(!JSON.stringify(c.welcome).includes('turn:'), `${c.welcome.role}: no TURN URL anywhere in the welcome`);
    }
    customer.close();
    agent.close();
  });

  test('the customer gets them when it accepts, before the room hears of it; the invited agent with its invitation; a bystander never', async () => {
    const t0 = Math.floor(Date.now() / 1000);
    const { token, customer, agent, bystander, order } = await acceptedShare(withTurn);
    // before the accept event: the sharer has them before anyone can learn where to dial it
    assert.deepEqual(order, ['ice-servers', 'accept'], `the customer received ${order}`);
    const iceMsg = await customer.next('ice-servers');
    const c = assertGrant(iceMsg.iceServers, customer.welcome.peer.id, t0);
    assert.equal(iceMsg.expiresAt, c.expiry * 1000);
    assert.ok(await agent.none('ice-servers'), 'the agent has none before the customer sends it the invitation');
    assert.ok(await bystander.none('ice-servers'));

    customer.send({
      type: 'invitation',
      to: agent.welcome.peer.id,
      invitation: { peer: customer.welcome.peer.id, secret: INVITATION_SECRET },
    });
    const inv = await agent.next('invitation');
    const a = assertGrant(inv.iceServers, agent.welcome.peer.id, t0);
    assert.equal(inv.iceServersExpireAt, a.expiry * 1000);
    assert.ok(
      await bystander.none((m) => m.type === 'invitation' || m.type === 'ice-servers' || JSON.stringify(m).includes('turn:')),
      'the bystander gets nothing',
    );

    // a second page of the sharing customer gets them in its welcome (it is the sharer)
    const second = await chat(withTurn, token);
    assertGrant(second.welcome.iceServers, second.welcome.peer.id, t0);
    for (const x of [customer, agent, bystander, second]) x.close();
  });

  test('GET /api/ice-servers: the peer token of a participant of the accepted share; 403 for others, 401 without a valid one', async () => {
    const { customer, agent, bystander } = await acceptedShare(withTurn);
    customer.send({
      type: 'invitation',
      to: agent.welcome.peer.id,
      invitation: { peer: customer.welcome.peer.id, secret: INVITATION_SECRET },
    });
    await agent.next('invitation');
    const t0 = Math.floor(Date.now() / 1000);
    for (const c of [customer, agent]) {
      const res = await getIce(withTurn, c.welcome.peer.token);
      assert.equal(res.status, 200, c.welcome.role);
      const body = await res.json();
      const { expiry } = assertGrant(body.iceServers, c.welcome.peer.id, t0);
      assert.equal(body.expiresAt, expiry * 1000, 'expiresAt (ms) is the expiry in the username');
    }
    const refused = await getIce(withTurn, bystander.welcome.peer.token);
    assert.equal(refused.status, 403, 'an agent the customer did not invite');
    assert.equal((await refused.json()).code, 'forbidden');
    assert.equal((await getIce(withTurn)).status, 401);
    assert.equal((await getIce(withTurn, 'test-agent-key')).status, 401, 'the agent key is not a peer token');
    assert.equal((await getIce(withTurn, agent.welcome.peer.token.slice(0, -2) + 'xx')).status, 401, 'a forged token');
    // the share ends: nobody renews any more
    agent.send({ type: 'end' });
    await customer.next('end');
    for (const c of [customer, agent])
      assert.equal((await getIce(withTurn, c.welcome.peer.token)).status, 403, `${c.welcome.role} after the end`);
    for (const x of [customer, agent, bystander]) x.close();
  });

  test('before any share the customer gets none either; a server without `turn`: 404', async () => {
    const { customer } = await roomWithBoth(withTurn);
    assert.equal((await getIce(withTurn, customer.welcome.peer.token)).status, 403);
    const other = await roomWithBoth(without);
    const res = await getIce(without, other.customer.welcome.peer.token);
    assert.equal(res.status, 404);
    assert.equal((await res.json()).code, 'not-found');
    customer.close();
    other.customer.close();
  });

  test('a bad `turn` option stops the server from starting', async () => {
    await assert.rejects(startServer({ turn: { secret: SECRET, urls: ['turn-not-a-url'] } }), /not a stun/);
  });
});

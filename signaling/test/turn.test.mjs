// Ephemeral TURN credentials (coturn's REST-API scheme) and how the server hands them out: in the
// chat's welcome and from GET /api/ice-servers. That coturn accepts them is test/e2e/turn.test.mjs.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createIceServers, turnCredentials, turnOptionsFromEnv } from '../turn.mjs';
import { startServer, createRoom, chat } from '../testing/helpers.mjs';

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
    const c = turnCredentials({ secret: 'north-wind', urls: ['turn:127.0.0.1:3478'], ttlSeconds: 3600, user: 'alice', now: 1_700_000_000_000 });
    assert.deepEqual(c, { urls: ['turn:127.0.0.1:3478'], username: '1700003600:alice', credential: 'iRtTIZ3N38dm9S+dP+UkHfnN9Qo=' });
  });

  test('the expiry is now + ttl in Unix seconds (default ttl one hour), whole seconds', () => {
    const now = 1_234_567_890_999; // .999 s: floored, not rounded up
    assert.equal(turnCredentials({ secret: 's', urls: [], user: 'u', now }).username, `${1_234_567_890 + 3600}:u`);
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
    assert.deepEqual(createIceServers({ urls: ['stun:127.0.0.1'] }).iceServers('p'), [{ urls: ['stun:127.0.0.1'] }], 'STUN only needs no secret');
  });

  test('TURN_URLS (comma-separated), TURN_SECRET, TURN_TTL', () => {
    assert.equal(turnOptionsFromEnv({}), undefined);
    assert.deepEqual(turnOptionsFromEnv({ TURN_URLS: ' turn:a:3478 , stun:b ', TURN_SECRET: 'x' }), { secret: 'x', urls: ['turn:a:3478', 'stun:b'], ttl: 3600 });
    assert.equal(turnOptionsFromEnv({ TURN_URLS: 'turn:a', TURN_SECRET: 'x', TURN_TTL: '120' }).ttl, 120);
    assert.throws(() => createIceServers(turnOptionsFromEnv({ TURN_URLS: 'turn:a' })), /secret/, 'TURN without a secret is refused');
  });
});

describe('the server hands them out', () => {
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

  test('welcome carries iceServers for this participant, with credentials coturn would accept', async () => {
    const { room, token } = await createRoom(withTurn);
    const t0 = Math.floor(Date.now() / 1000);
    const customer = await chat(withTurn, token);
    const agent = await chat(withTurn, withTurn.agentToken(room));
    const t1 = Math.ceil(Date.now() / 1000);
    for (const c of [customer, agent]) {
      const [stun, turn] = c.welcome.iceServers;
      assert.deepEqual(stun, { urls: ['stun:127.0.0.1:3478'] });
      assert.deepEqual(turn.urls, ['turn:127.0.0.1:3478?transport=udp', 'turns:turn.example:5349']);
      const { expiry, user, valid } = check(turn);
      assert.ok(valid, 'the HMAC matches the shared secret');
      assert.equal(user, c.welcome.peer.id, 'the TURN user is this connection’s peer id');
      assert.ok(expiry >= t0 + 600 && expiry <= t1 + 600, `expiry ${expiry} is now + ttl`);
    }
    assert.notEqual(customer.welcome.iceServers[1].username, agent.welcome.iceServers[1].username);
    // a new connection gets new credentials
    const again = await chat(withTurn, token);
    assert.notEqual(again.welcome.iceServers[1].username, customer.welcome.iceServers[1].username);
    for (const c of [customer, agent, again]) c.ws.close();
  });

  test('without `turn` the welcome has no iceServers', async () => {
    const { token } = await createRoom(without);
    const c = await chat(without, token);
    assert.equal(c.welcome.type, 'welcome');
    assert.ok(!('iceServers' in c.welcome));
    c.ws.close();
  });

  test('GET /api/ice-servers with a chat token: fresh credentials; 401 otherwise; 404 when none are configured', async () => {
    const { room, token } = await createRoom(withTurn);
    const get = (server, bearer) => fetch(`${server.url}/api/ice-servers`, bearer ? { headers: { authorization: `Bearer ${bearer}` } } : {});
    for (const bearer of [token, withTurn.agentToken(room)]) {
      const res = await get(withTurn, bearer);
      assert.equal(res.status, 200);
      const body = await res.json();
      const turn = body.iceServers.find((s) => s.username);
      const { expiry, user, valid } = check(turn);
      assert.ok(valid);
      assert.equal(user, room);
      assert.equal(body.expiresAt, expiry * 1000, 'expiresAt (ms) is the expiry in the username');
    }
    assert.equal((await get(withTurn)).status, 401);
    assert.equal((await get(withTurn, 'test-agent-key')).status, 401, 'the agent key is not a chat token');
    assert.equal((await get(withTurn, token.slice(0, -2) + 'xx')).status, 401, 'a forged token');
    const other = await createRoom(without);
    assert.equal((await get(withTurn, other.token)).status, 401, "another server's token");
    const res = await get(without, other.token);
    assert.equal(res.status, 404);
    assert.equal((await res.json()).code, 'not-found');
  });

  test('a bad `turn` option stops the server from starting', async () => {
    await assert.rejects(startServer({ turn: { secret: SECRET, urls: ['turn-not-a-url'] } }), /not a stun/);
  });
});

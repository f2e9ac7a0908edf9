// Agent identity from the site's identity provider (issue 12, item 3): the server verifies agent
// JWTs with jose — HS256 with a shared secret, RS256/ES256 with keys from a JWKS URL (a real local
// HTTP server serving a key set generated here) — and takes the agent's id, name and allowed rooms or
// queues from the claims. Refusals: expired, wrong issuer or audience, wrong algorithm, bad signature,
// a room the claims do not allow. The shared AGENT_KEY is the development default only.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT, UnsecuredJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose';
import { startServer, chat, client } from '../test-support/helpers.mjs';
import { format } from '../admin.mjs';

/** A chat joined with an agent JWT directly: `/chat?room=R&token=JWT`. */
async function jwtChat(server, token, roomId) {
  const c = client(`${server.ws}/chat?room=${encodeURIComponent(roomId)}&token=${encodeURIComponent(token)}`);
  c.welcome = await c.next('welcome');
  return c;
}

const HS_SECRET = 'a-shared-hs256-secret-of-the-idp-0123456789';
const ISSUER = 'https://idp.example.test/';
const AUDIENCE = 'cobrowse-signaling';
const hsKey = new TextEncoder().encode(HS_SECRET);
const now = () => Math.floor(Date.now() / 1000);

/** A JWT as an identity provider would sign it; `claims` and `header` override the defaults. */
function jwt({ key = hsKey, alg = 'HS256', kid, claims = {}, exp = now() + 600, iss = ISSUER, aud = AUDIENCE } = {}) {
  const t = new SignJWT({ sub: 'agent-7', name: 'Dana', cobrowse_queues: ['billing'], ...claims })
    .setProtectedHeader({ alg, ...(kid && { kid }) })
    .setIssuedAt();
  if (exp !== null) t.setExpirationTime(exp);
  if (iss !== null) t.setIssuer(iss);
  if (aud !== null) t.setAudience(aud);
  return t.sign(key);
}

const api = (server, path, bearer, init = {}) =>
  fetch(`${server.url}/api${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(bearer && { authorization: `Bearer ${bearer}` }), ...init.headers },
  });

async function room(server, queue, name = 'Carol') {
  const res = await fetch(`${server.url}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, queue }),
  });
  assert.equal(res.status, 201);
  return res.json();
}

/** The reason in a 401 from GET /api/rooms. */
async function refusal(server, bearer) {
  const res = await api(server, '/rooms', bearer);
  const body = await res.json();
  assert.equal(res.status, 401, `expected a refusal, got ${res.status} ${JSON.stringify(body)}`);
  assert.equal(body.code, 'unauthorized');
  return body.message;
}

describe('HS256 tokens of the identity provider', () => {
  let server;
  before(async () => {
    server = await startServer({ agentKey: undefined, agentJwt: { secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE } });
  });
  after(() => server.close());

  test('list only the rooms the claims allow, no token in the list; a chat token per allowed room, named by the claims', async () => {
    const billing = await room(server, 'billing');
    const sales = await room(server, 'sales');
    const named = await room(server);
    const token = await jwt({ claims: { cobrowse_rooms: [named.room] } });
    const res = await api(server, '/rooms', token);
    assert.equal(res.status, 200);
    const list = await res.json();
    const ids = list.map((r) => r.room);
    assert.ok(ids.includes(billing.room), 'a room of its queue');
    assert.ok(ids.includes(named.room), 'a room named in cobrowse_rooms');
    assert.ok(!ids.includes(sales.room), 'not a room of another queue');
    assert.ok(
      list.every((r) => !('agentToken' in r)),
      'no token handed out with the list',
    );
    assert.equal(list.find((r) => r.room === billing.room).queue, 'billing');

    const ok = await api(server, `/rooms/${billing.room}/agent-token`, token, {
      method: 'POST',
      body: JSON.stringify({ name: 'Mallory' }),
    });
    assert.equal(ok.status, 200);
    const agent = await chat(server, (await ok.json()).token);
    assert.equal(agent.welcome.role, 'agent');
    assert.equal(agent.welcome.name, 'Dana', "the identity provider's name, not the one asked for");
    agent.close();

    const no = await api(server, `/rooms/${sales.room}/agent-token`, token, { method: 'POST', body: '{}' });
    assert.equal(no.status, 403, 'a room its claims do not allow');
    assert.equal((await no.json()).code, 'forbidden');
  });

  test('name falls back to preferred_username, then sub; "*" (or ["*"]) allows every room', async () => {
    const sales = await room(server, 'sales');
    const token = await jwt({ claims: { name: undefined, preferred_username: 'dana.k', cobrowse_queues: '*' } });
    const res = await api(server, `/rooms/${sales.room}/agent-token`, token, { method: 'POST', body: '{}' });
    assert.equal(res.status, 200);
    assert.equal((await chat(server, (await res.json()).token)).welcome.name, 'dana.k');
    const listed = await jwt({ claims: { cobrowse_queues: ['*'] } }); // providers that only emit lists
    assert.equal((await api(server, `/rooms/${sales.room}/agent-token`, listed, { method: 'POST', body: '{}' })).status, 200);
    const bare = await jwt({ claims: { name: undefined, cobrowse_rooms: [sales.room], cobrowse_queues: undefined } });
    const again = await api(server, `/rooms/${sales.room}/agent-token`, bare, { method: 'POST', body: '{}' });
    assert.equal((await chat(server, (await again.json()).token)).welcome.name, 'agent-7');
  });

  test('refused: expired, no exp, no sub, wrong issuer, wrong audience, bad signature, unsigned, another algorithm, bad scope claims', async () => {
    const cases = {
      expired: [await jwt({ exp: now() - 120 }), /expired/],
      'no exp': [await jwt({ exp: null }), /exp/],
      'no sub': [await jwt({ claims: { sub: undefined } }), /sub/],
      'wrong issuer': [await jwt({ iss: 'https://evil.example/' }), /iss/],
      'no issuer': [await jwt({ iss: null }), /iss/],
      'wrong audience': [await jwt({ aud: 'another-app' }), /aud/],
      'bad signature': [await jwt({ key: new TextEncoder().encode('not-the-idp-secret-not-the-idp-secret!') }), /signature/],
      'unsigned (alg none)': [
        new UnsecuredJWT({ sub: 'agent-7', cobrowse_queues: '*' })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setExpirationTime('10m')
          .encode(),
        /algorithm/,
      ],
      'HS512 (not allowed)': [await jwt({ alg: 'HS512', key: new TextEncoder().encode(HS_SECRET.repeat(2)) }), /algorithm/],
      'RS256 on an HS256-only server': [await jwt({ alg: 'RS256', key: (await generateKeyPair('RS256')).privateKey }), /algorithm/],
      'rooms claim not a list': [await jwt({ claims: { cobrowse_rooms: 'all' } }), /cobrowse_rooms/],
      'not a JWT': ['just-a-random-string', /JWT|key/],
    };
    for (const [what, [token, reason]] of Object.entries(cases)) {
      assert.match(await refusal(server, token), reason, what);
    }
    assert.match(await refusal(server, 'test-agent-key'), /./, 'the development key opens nothing once JWTs are configured');
    assert.equal(server.agentKey, null);
  });

  test('an agent may chat with its JWT directly, in a room its claims allow; elsewhere 4401', async () => {
    const billing = await room(server, 'billing');
    const sales = await room(server, 'sales');
    const token = await jwt();
    const agent = await jwtChat(server, token, billing.room);
    assert.equal(agent.welcome.name, 'Dana');
    assert.equal(agent.welcome.room, billing.room);
    agent.close();
    for (const [what, url] of [
      ['a room of another queue', `${server.ws}/chat?room=${sales.room}&token=${token}`],
      ['an expired JWT', `${server.ws}/chat?room=${billing.room}&token=${await jwt({ exp: now() - 120 })}`],
      ['the development key is never a URL parameter', `${server.ws}/chat?room=${billing.room}&token=test-agent-key`],
    ]) {
      const c = client(url);
      const err = await c.next('error');
      assert.equal(err.code, 'unauthorized', what);
      assert.equal((await c.closed).code, 4401, what);
    }
  });
});

describe('RS256 and ES256 tokens, keys from a JWKS URL', () => {
  let idp;
  let server;
  let hs;
  let fetches = 0;
  const keys = {};
  before(async () => {
    for (const alg of ['RS256', 'ES256']) {
      keys[alg] = await generateKeyPair(alg, { extractable: true });
      keys[alg].kid = `${alg.toLowerCase()}-key-1`;
    }
    const jwks = {
      keys: await Promise.all(
        Object.entries(keys).map(async ([alg, k]) => ({ ...(await exportJWK(k.publicKey)), kid: k.kid, alg, use: 'sig' })),
      ),
    };
    // the identity provider's key set, served by a real HTTP server
    idp = createServer((req, res) => {
      if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
      fetches += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    });
    await new Promise((r) => idp.listen(0, '127.0.0.1', r));
    const jwksUrl = `http://127.0.0.1:${idp.address().port}/.well-known/jwks.json`;
    server = await startServer({ agentKey: undefined, agentJwt: { jwksUrl, issuer: ISSUER, audience: AUDIENCE } });
    hs = await startServer({ agentKey: undefined, agentJwt: { jwksUrl, secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE } });
  });
  after(async () => {
    await server?.close();
    await hs?.close();
    idp?.closeAllConnections();
    await new Promise((r) => idp?.close(r));
  });

  test('RS256 and ES256 accepted, keys fetched from the provider', async () => {
    const billing = await room(server, 'billing');
    for (const alg of ['RS256', 'ES256']) {
      const token = await jwt({ alg, key: keys[alg].privateKey, kid: keys[alg].kid, claims: { name: `Dana ${alg}` } });
      const res = await api(server, `/rooms/${billing.room}/agent-token`, token, { method: 'POST', body: '{}' });
      assert.equal(res.status, 200, alg);
      assert.equal((await chat(server, (await res.json()).token)).welcome.name, `Dana ${alg}`);
    }
    assert.ok(fetches >= 1, 'the key set came from the JWKS URL');
  });

  test('refused: a key the provider does not publish, RS256 without exp, the public key used as an HS256 secret, ES384', async () => {
    const stranger = await generateKeyPair('ES256');
    const pem = await exportSPKI(keys.RS256.publicKey);
    const cases = {
      'an unknown key': [await jwt({ alg: 'ES256', key: stranger.privateKey, kid: keys.ES256.kid }), /signature|key/],
      'no exp': [await jwt({ alg: 'RS256', key: keys.RS256.privateKey, kid: keys.RS256.kid, exp: null }), /exp/],
      'wrong issuer': [
        await jwt({ alg: 'ES256', key: keys.ES256.privateKey, kid: keys.ES256.kid, iss: 'https://other-idp.example/' }),
        /iss/,
      ],
      // the classic confusion: HS256 keyed with the provider's public key, which anyone can fetch
      'HS256 keyed with the public key': [await jwt({ alg: 'HS256', key: new TextEncoder().encode(pem) }), /algorithm/],
      ES384: [await jwt({ alg: 'ES384', key: (await generateKeyPair('ES384')).privateKey }), /algorithm/],
    };
    for (const [what, [token, reason]] of Object.entries(cases)) {
      assert.match(await refusal(server, token), reason, what);
    }
    // with both configured, HS256 goes to the secret and RS256 to the key set, never crossed
    assert.equal((await api(hs, '/rooms', await jwt())).status, 200);
    assert.equal((await api(hs, '/rooms', await jwt({ alg: 'RS256', key: keys.RS256.privateKey, kid: keys.RS256.kid }))).status, 200);
    assert.match(await refusal(hs, await jwt({ alg: 'HS256', key: new TextEncoder().encode(pem) })), /signature/);
  });
});

test('an identity provider whose keys cannot be fetched: 503, not a refusal of the agent', async () => {
  const closed = createServer();
  await new Promise((r) => closed.listen(0, '127.0.0.1', r));
  const jwksUrl = `http://127.0.0.1:${closed.address().port}/jwks.json`;
  await new Promise((r) => closed.close(r)); // nothing listens there any more
  const server = await startServer({ agentKey: undefined, agentJwt: { jwksUrl, issuer: ISSUER, audience: AUDIENCE } });
  try {
    const { privateKey } = await generateKeyPair('ES256');
    const res = await api(server, '/rooms', await jwt({ alg: 'ES256', key: privateKey, kid: 'k1' }));
    assert.equal(res.status, 503);
    assert.equal((await res.json()).code, 'unavailable');
  } finally {
    await server.close();
  }
});

test('the audit log records the verified identity: sub, name, issuer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cobrowse-identity-'));
  const server = await startServer({
    agentKey: undefined,
    agentJwt: { secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE },
    audit: { dataDir: dir, createKey: true, flushMs: 20 },
  });
  try {
    const billing = await room(server, 'billing');
    const res = await api(server, `/rooms/${billing.room}/agent-token`, await jwt(), { method: 'POST', body: '{}' });
    const agent = await chat(server, (await res.json()).token);
    const direct = await jwtChat(server, await jwt({ claims: { sub: 'agent-9', name: 'Eli' } }), billing.room);
    const events = server.audit.events({ room: billing.room });
    const issued = events.find((e) => e.kind === 'agent.token-issued');
    assert.deepEqual(issued.data.agent, { sub: 'agent-7', name: 'Dana', iss: ISSUER, via: 'jwt' });
    const joined = events.filter((e) => e.kind === 'participant.joined').map((e) => e.data.identity);
    assert.deepEqual(joined, [
      { sub: 'agent-7', name: 'Dana', iss: ISSUER, via: 'jwt' },
      { sub: 'agent-9', name: 'Eli', iss: ISSUER, via: 'jwt' },
    ]);
    // and the admin CLI prints it
    assert.match(
      format(events.find((e) => e.kind === 'participant.joined')),
      /agent "Dana" joined .*verified: sub agent-7 of https:\/\/idp\.example\.test\//,
    );
    agent.close();
    direct.close();
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the development key: without agentJwt it opens every room (and says who it is in the log)', async () => {
  const server = await startServer(); // the helpers' default: agentKey 'test-agent-key'
  try {
    const a = await room(server, 'billing');
    const b = await room(server, 'sales');
    const list = await (await api(server, '/rooms', 'test-agent-key')).json();
    assert.ok([a.room, b.room].every((id) => list.some((r) => r.room === id)));
    const res = await api(server, `/rooms/${b.room}/agent-token`, 'test-agent-key', { method: 'POST', body: '{"name":"Dev"}' });
    assert.equal((await chat(server, (await res.json()).token)).welcome.name, 'Dev');
    assert.equal((await api(server, '/rooms', await jwt())).status, 401, 'a JWT means nothing to a server without agentJwt');
  } finally {
    await server.close();
  }
});

test('a bad configuration stops the server: short HS256 secret, JWKS over http off loopback, JWKS without iss/aud', async () => {
  /** Expects start-up to fail; a server that starts anyway is closed (the file would hang on it). */
  const refused = async (agentJwt, pattern) => {
    let started;
    await assert.rejects(async () => (started = await startServer({ agentJwt })), pattern).finally(() => started?.close());
  };
  await refused({ secret: 'short' }, /32 bytes/);
  await refused({ jwksUrl: 'http://idp.example/jwks.json', issuer: ISSUER, audience: AUDIENCE }, /https/);
  await refused({ jwksUrl: 'https://idp.example/jwks.json' }, /issuer.*audience/);
  await refused({ jwksUrl: 'https://idp.example/jwks.json', issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] }, /RS256/);
});

/** Runs `node server/bin.mjs` with `env` until it prints its address; returns what it printed. */
async function cliOutput(env) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('../bin.mjs', import.meta.url))], {
    env: { PATH: process.env.PATH, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  try {
    const end = Date.now() + 15_000; // a watchdog, not a speed claim
    while (!/audit log are kept|transcripts and audit log/.test(out)) {
      if (child.exitCode !== null || Date.now() > end) throw new Error(`the server did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return out;
  } finally {
    child.kill('SIGTERM');
  }
}

test('`node server/bin.mjs` says loudly when agents get in with the shared development key', async () => {
  const dev = await cliOutput({});
  assert.match(dev, /DEVELOPMENT MODE: agents authenticate with ONE SHARED KEY/);
  assert.match(dev, /Generated development key for this run: \S{20,}/);
  const prod = await cliOutput({
    AGENT_JWT_SECRET: HS_SECRET,
    AGENT_JWT_ISSUER: ISSUER,
    AGENT_JWT_AUDIENCE: AUDIENCE,
    AGENT_KEY: 'leftover-key',
  });
  assert.doesNotMatch(prod, /DEVELOPMENT MODE/);
  assert.match(prod, /agents: JWTs \(HS256 secret, iss https:\/\/idp\.example\.test\/, aud cobrowse-signaling\)/);
  assert.match(prod, /AGENT_KEY is set but IGNORED/);
});

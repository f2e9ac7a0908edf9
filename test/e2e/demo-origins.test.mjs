// The demo never gives an agent credential to the customer's origin (issue 12, item 9): the agent
// console is served from an origin of its own, which alone signs the agent in (/session.json, the
// demo's stand-in for an identity provider); the shop's /config.json says where the chat is and
// nothing else. Through the real demo server (startDemo) and `node demo/server.mjs` (what `npm start`
// runs), over HTTP.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemo } from '../../demo/server.mjs';

const get = (url, init) => fetch(url, { redirect: 'manual', ...init });

describe('the demo: the shop and the agent console are two origins', () => {
  let demo;
  before(async () => {
    demo = await startDemo({ port: 0, agentPort: 0, signalingPort: 0, log: () => {} });
  });
  after(async () => demo?.close());

  it('the shop’s /config.json names the signaling server and carries no credential', async () => {
    const res = await get(`${demo.url}config.json`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.deepEqual(JSON.parse(text), { signaling: demo.signaling.url });
    assert.ok(!/key|token|secret|eyJ/i.test(text), text);
    assert.equal((await get(`${demo.url}session.json`)).status, 404, 'no sign-in on the shop’s origin');
  });

  it('the console is on another origin; the shop does not serve its scripts, it points there', async () => {
    assert.notEqual(new URL(demo.agentUrl).origin, new URL(demo.url).origin);
    for (const path of ['agent.js', 'agent.css']) assert.equal((await get(demo.url + path)).status, 404, path);
    const moved = await get(`${demo.url}agent.html?relay=1`);
    assert.equal(moved.status, 302);
    assert.equal(moved.headers.get('location'), `${demo.agentUrl}agent.html?relay=1`, 'with its query');
    const page = await get(`${demo.agentUrl}agent.html`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /agent console/);
    assert.equal((await get(`${demo.agentUrl}customer.html`)).status, 404, 'the console’s origin is not the shop');
  });

  it('the console’s /session.json signs the agent in: its JWT opens the agent API, nothing else does', async () => {
    const session = await (await get(`${demo.agentUrl}session.json`)).json();
    assert.match(session.token, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.ok(session.expiresAt > Date.now());
    const ok = await get(`${demo.signaling.url}/api/rooms`, { headers: { authorization: `Bearer ${session.token}` } });
    assert.equal(ok.status, 200);
    assert.equal(demo.signaling.agentKey, null, 'no shared agent key unless AGENT_KEY is given');
    const anon = await get(`${demo.signaling.url}/api/rooms`);
    assert.equal(anon.status, 401);
  });
});

it('`node demo/server.mjs` (npm start) prints both origins and says loudly that the sign-in is a development stand-in', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cobrowse-demo-cli-'));
  const child = spawn(process.execPath, [fileURLToPath(new URL('../../demo/server.mjs', import.meta.url))], {
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      AGENT_PORT: '0',
      SIGNALING_PORT: '0',
      SIGNALING_DB: join(dir, 'db'),
      SIGNALING_DATA_KEY: randomBytes(32).toString('base64'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  try {
    const end = Date.now() + 20_000; // a watchdog, not a speed claim
    while (!out.includes('Ctrl-C to stop')) {
      if (child.exitCode !== null || Date.now() > end) throw new Error(`the demo did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const shop = /Customer \(shop \+ chat\):\s+(http:\/\/[\d.:]+\/)customer\.html/.exec(out)?.[1];
    const agent = /Agent console:\s+(http:\/\/[\d.:]+\/)agent\.html/.exec(out)?.[1];
    assert.ok(shop && agent && shop !== agent, out);
    assert.match(out, /DEVELOPMENT ONLY: the agent console signs in through a STAND-IN identity provider/);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
});

// Failover, end to end (issue 13, "How it is checked"): three signaling processes on one real Redis
// behind a TCP load balancer, the demo's customer and agent in Chromium. The balancer pins the
// customer's sockets to process A and the agent's to B. Mid-session A is killed (SIGKILL): the P2P
// view carries on untouched, the customer's chat comes back by itself on B or C with its peer id, and
// the next navigation resumes. Then every process is restarted: the room, the chat and the view survive.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { converge, openDemo, startCobrowse, until } from './flow.mjs';
import { startProcess, startRedis } from '../../server/test-support/redis.mjs';
import { startBalancer } from '../../server/test-support/balancer.mjs';
import { JWT_AUDIENCE, JWT_ISSUER } from '../../demo/server.mjs';

const SECRET = randomBytes(32).toString('base64url');
const JWT_SECRET = randomBytes(32).toString('base64url');
/** A dead process is noticed within a few heartbeats: generous waits, never a speed claim. */
const SLOW = 30_000;

/** The role inside a chat or PeerJS token in a request line (`token=<claims>.<mac>`), to pin it. */
function roleOf(head) {
  const token = /[?&]token=([^&\s]+)/.exec(head)?.[1];
  if (!token) return undefined;
  try {
    return JSON.parse(Buffer.from(decodeURIComponent(token).split('.')[0], 'base64url').toString()).role;
  } catch {
    return undefined;
  }
}

describe('three signaling processes on Redis, one killed mid-session', () => {
  let redis;
  let lb;
  let t;
  const backends = [];
  const env = { AGENT_JWT_SECRET: JWT_SECRET, AGENT_JWT_ISSUER: JWT_ISSUER, AGENT_JWT_AUDIENCE: JWT_AUDIENCE };
  const start = (port) => startProcess({ redisUrl: redis.url, secret: SECRET, env, port });

  before(async () => {
    redis = await startRedis();
    for (let i = 0; i < 3; i++) backends.push(await start());
    // customers' sockets to A (0), agents' to B (1); the HTTP API round robin over all three
    lb = await startBalancer(backends, { route: (head) => ({ customer: 0, agent: 1 })[roleOf(head)] });
    t = await openDemo({ demo: { signalingUrl: lb.url, jwtSecret: JWT_SECRET } });
    if (process.env.E2E_LOG)
      for (const [who, page] of [
        ['customer', t.customer],
        ['agent', t.agent],
      ])
        page.on('console', (m) => console.error(`[${who}] ${m.text()}`));
    await startCobrowse(t).catch(async (err) => {
      // what each side and each process knew when the co-browse did not start
      const customer = await t.customer.evaluate(() => ({
        sharing: window.cobrowseSharing?.state ?? null,
        chat: document.querySelector('#chat-state')?.textContent,
        log: document.querySelector('#chat-log')?.textContent,
      }));
      const agent = await t.agent.evaluate(() => ({
        viewing: window.cobrowseViewing?.state ?? null,
        log: document.querySelector('#log')?.textContent,
      }));
      err.message += `\npage errors: ${JSON.stringify(t.pageErrors)}\ncustomer: ${JSON.stringify(customer)}\nagent: ${JSON.stringify(agent)}\nredis: ${redis.cli('eval', "local out = {} for _, k in ipairs(redis.call('keys', 'cb:*')) do local t = redis.call('type', k).ok if t == 'string' then table.insert(out, k .. '=' .. redis.call('get', k)) elseif t == 'hash' then table.insert(out, k .. '=' .. table.concat(redis.call('hkeys', k), ',')) else table.insert(out, k .. ':' .. t) end end return out", '0')}\nbalancer: ${lb.choices.map((port) => backends.findIndex((p) => p.port === port)).join(',')}\nprocesses:\n${backends.map((p) => p.output.slice(-800)).join('\n--\n')}`;
      throw err;
    });
    await converge(t, 'the first view');
  });
  after(async () => {
    await t?.close();
    lb?.close();
    await Promise.all(backends.map((p) => p.kill().catch(() => {})));
    redis?.stop();
  });

  it('the view carries on, the chat comes back on another process, the next page resumes', async () => {
    const [a, b, c] = backends;
    const peer = await t.customer.evaluate(() => window.cobrowseSharing.invitation.peer);
    // what the customer's chat state and the agent's view go through from now on
    await t.customer.evaluate(() => {
      window.__chatStates = [];
      const el = document.querySelector('#chat-state');
      new MutationObserver(() => window.__chatStates.push(el.textContent)).observe(el, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    await t.agent.evaluate(() => {
      window.__viewStates = [];
      window.cobrowseViewing.on('state', (s) => window.__viewStates.push(s.state));
    });

    await a.kill();
    // the P2P view does not go through the server: it follows the page while A is gone
    await t.customer.fill('input[name=name]', 'typed while process A is down');
    await converge(t, 'the view to follow the page without process A');
    await until(
      () =>
        t.customer.evaluate(
          () => document.querySelector('#chat-state').textContent === 'online' && window.__chatStates.includes('reconnecting…'),
        ),
      'the customer chat to say reconnecting, then come back',
      SLOW,
    );
    assert.ok(lb.choices.slice(-6).some((port) => port === b.port || port === c.port));

    // the chat works across processes again: the customer (now on B or C) to the agent (on B)
    await t.customer.fill('#chat-input', 'are you still there?');
    await t.customer.press('#chat-input', 'Enter');
    await until(
      () =>
        t.agent
          .locator('#log')
          .textContent()
          .then((text) => text.includes('are you still there?')),
      'the agent to read the customer',
      SLOW,
    );
    assert.deepEqual(await t.agent.evaluate(() => window.__viewStates), [], 'the view never left connected');

    // the next navigation: the new page's chat lands on B or C (A is dead) and resumes the share
    await Promise.all([t.customer.waitForURL((u) => u.pathname.endsWith('/guide.html')), t.customer.click('#guide-link')]);
    await until(() => t.customer.evaluate(() => window.cobrowseSharing?.state === 'connected'), 'the new page to resume sharing', SLOW);
    await converge(t, 'the agent to follow the navigation after the crash');
    assert.notEqual(await t.customer.evaluate(() => window.cobrowseSharing.invitation.peer), peer, 'the new page has its own address');
    assert.deepEqual(t.pageErrors, []);
  });

  it('every process restarts (a deploy): the room, the chat and the view are still there', async () => {
    await t.agent.evaluate(() => (window.__viewStates = [])); // the navigation above resumed the view once
    const ports = backends.map((p) => p.port);
    await Promise.all(backends.map((p) => p.stop().catch(() => {})));
    for (let i = 0; i < 3; i++) backends[i] = await start(ports[i]); // same addresses: the balancer's list
    await t.customer.fill('input[name=q]', 'typed after the restart');
    await converge(t, 'the view across the restart');
    await until(
      () => t.customer.evaluate(() => document.querySelector('#chat-state').textContent === 'online'),
      'the customer chat to come back',
      SLOW,
    );
    // the agent's chat came back too (same room, same history): a message reaches the customer
    await until(
      () =>
        t.agent
          .locator('#log')
          .textContent()
          .then((text) => text.includes('Back in the chat.')),
      'the agent chat to come back',
      SLOW,
    );
    await t.agent.fill('#input', 'still here after the deploy');
    await t.agent.press('#input', 'Enter');
    await until(
      () =>
        t.customer
          .locator('#chat-log')
          .textContent()
          .then((text) => text.includes('still here after the deploy')),
      'the customer to read the agent',
      SLOW,
    );
    assert.deepEqual(await t.agent.evaluate(() => window.__viewStates), [], 'the view never left connected');
    assert.deepEqual(t.pageErrors, []);
  });
});

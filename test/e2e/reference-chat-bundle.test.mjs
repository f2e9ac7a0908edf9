// The reference chat client as sites load it — the built bundles (dist/), in Chromium — against the
// real signaling server: a customer page and two agent pages (two browser contexts). Checks the
// invitation flow of issue 12 (the secret goes to the inviting agent only; a late agent asks, the
// customer's page answers), TURN credentials only for the participants of the accepted share, and
// that every callback survives bundling (rollup once dropped `onerror`, `onevent` and `onclose`
// calls from the bundles: the source looked right, the product did not call them).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { CHROME_FLAGS, findChrome } from '../find-chrome.mjs';
import { startDemo } from '../../demo/server.mjs';

const TURN = { secret: 'bundle-test-turn-secret', urls: ['turn:127.0.0.1:3478?transport=udp'], ttl: 600 };
const SECRET = 'c2VjcmV0LWZvci10aGUtYnVuZGxlLXRlc3QtMDE'; // base64url, 29 bytes

/** Runs in a page: connects a reference chat from `bundle` and records every callback into `window.__log`. */
function connect({ bundle, url, token }) {
  return import(bundle).then(async (lib) => {
    const log = [];
    window.__log = log;
    const chat = await lib.connectReferenceChat({ url, token });
    window.__chat = chat;
    for (const name of [
      'onevent',
      'ontext',
      'oninvite',
      'onaccept',
      'oninvitation',
      'onrequest',
      'oniceservers',
      'ondecline',
      'onend',
      'onjoin',
      'onleave',
    ]) {
      chat[name] = (e) => log.push({ on: name, e: JSON.parse(JSON.stringify(e)) });
    }
    chat.onerror = (e) => log.push({ on: 'onerror', code: e.code, re: e.re, isError: e instanceof lib.ReferenceChatError });
    chat.onclose = (code) => log.push({ on: 'onclose', code });
    chat.onstate = (state) => log.push({ on: 'onstate', state });
    return { peer: chat.welcome.peer.id, ice: chat.ice };
  });
}

describe('the reference chat client, bundled, in the browser', () => {
  let demo;
  let browser;
  const pages = {};
  before(async () => {
    demo = await startDemo({ port: 0, agentPort: 0, signalingPort: 0, log: () => {}, turn: TURN });
    browser = await chromium.launch({ executablePath: findChrome(), args: CHROME_FLAGS });
    for (const who of ['customer', 'agent', 'late']) {
      pages[who] = await (await browser.newContext()).newPage();
      // a plain document of each origin (the shop's for the customer, the console's for agents)
      await pages[who].goto(`${who === 'customer' ? demo.url : demo.agentUrl}config.json`);
    }
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  /** Waits for a callback in a page's log matching `pred` (a watchdog, not a speed claim). */
  async function seen(who, pred, what) {
    const end = Date.now() + 10_000;
    for (;;) {
      const log = await pages[who].evaluate(() => window.__log);
      const hit = log.find(pred);
      if (hit) return hit;
      if (Date.now() > end) throw new Error(`${who}: no ${what}; log: ${JSON.stringify(log).slice(0, 800)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  const calls = (who) => pages[who].evaluate(() => window.__log);

  it('each bundle calls every handler: invite, accept without the secret, the invitation to the inviter alone, a late agent’s request, errors, TURN, close', async () => {
    const { room, token } = demo.signaling.createRoom('Carol');
    // the customer's page takes the chat client's own entry, the agents the main entry (CDN builds: no bundler)
    const bundles = {
      customer: '/dist/cdn/cobrowse-rtc-reference-server.js',
      agent: '/dist/cdn/cobrowse-rtc.js',
      late: '/dist/cdn/cobrowse-rtc.js',
    };
    const tokens = { customer: token, agent: demo.signaling.agentToken(room, 'Alice'), late: demo.signaling.agentToken(room, 'Bob') };
    const peers = {};
    for (const who of ['customer', 'agent', 'late']) {
      const r = await pages[who].evaluate(connect, { bundle: bundles[who], url: demo.signaling.url, token: tokens[who] });
      peers[who] = r.peer;
      assert.equal(r.ice, null, `${who}: no TURN credentials before a share`);
    }
    await pages.agent.evaluate(() => window.__chat.invite());
    await seen('customer', (c) => c.on === 'oninvite', 'invite');
    await seen('customer', (c) => c.on === 'onevent' && c.e.type === 'invite', 'onevent');
    await pages.customer.evaluate((inv) => window.__chat.accept(inv), { peer: peers.customer, secret: SECRET });

    // the customer has TURN credentials for itself; the inviting agent gets the secret and its own
    const granted = await seen('customer', (c) => c.on === 'oniceservers', 'TURN credentials');
    assert.match(granted.e.iceServers[0].username, new RegExp(`^\\d+:${peers.customer}$`));
    const invitation = await seen('agent', (c) => c.on === 'oninvitation', 'the invitation');
    assert.deepEqual(invitation.e.invitation, { peer: peers.customer, secret: SECRET });
    assert.match(invitation.e.iceServers[0].username, new RegExp(`^\\d+:${peers.agent}$`));
    assert.equal(await pages.agent.evaluate(() => window.__chat.ice.iceServers[0].username), invitation.e.iceServers[0].username);
    const lateAccept = await seen('late', (c) => c.on === 'onaccept', 'the accept');
    assert.deepEqual(lateAccept.e.invitation, { peer: peers.customer }, 'the room event has no secret');
    assert.equal(lateAccept.e.invitedBy.peer, peers.agent);
    await new Promise((r) => setTimeout(r, 200));
    const lateSoFar = JSON.stringify(await calls('late'));
    assert.ok(!lateSoFar.includes(SECRET), 'the late agent has not seen the secret');
    assert.ok(!lateSoFar.includes('oninvitation') && !lateSoFar.includes('oniceservers'), 'nor an invitation or TURN credentials');
    const refused = await pages.late.evaluate(() =>
      window.__chat.refreshIce().then(
        () => 'granted',
        (e) => e.code,
      ),
    );
    assert.equal(refused, 'forbidden', 'GET /api/ice-servers refuses an agent the customer did not invite');
    const renewed = await pages.agent.evaluate(() => window.__chat.refreshIce().then((g) => g.iceServers[0].username));
    assert.match(renewed, new RegExp(`:${peers.agent}$`), 'the invited agent renews its own');

    // the late agent asks; the customer's page sees who (as the server stamped it) and answers
    await pages.late.evaluate(() => window.__chat.requestInvitation());
    const request = await seen('customer', (c) => c.on === 'onrequest', 'the request');
    assert.deepEqual(request.e.from, { role: 'agent', name: 'Bob', peer: peers.late });
    assert.deepEqual(await pages.customer.evaluate((p) => window.__chat.participant(p), peers.late), request.e.from);
    await pages.customer.evaluate(({ to, inv }) => window.__chat.sendInvitation(to, inv), {
      to: peers.late,
      inv: { peer: peers.customer, secret: SECRET },
    });
    assert.equal((await seen('late', (c) => c.on === 'oninvitation', 'its invitation')).e.invitation.secret, SECRET);
    assert.equal((await calls('agent')).filter((c) => c.on === 'oninvitation').length, 1, 'the first agent is not sent it twice');

    // errors come back as ReferenceChatError through onerror; close through onclose
    await pages.late.evaluate(() => window.__chat.accept({ peer: 'x', secret: 'y' }));
    const error = await seen('late', (c) => c.on === 'onerror', 'an error');
    assert.deepEqual(error, { on: 'onerror', code: 'forbidden', re: 'accept', isError: true });
    await pages.agent.evaluate(() => window.__chat.end('done'));
    await seen('customer', (c) => c.on === 'onend', 'the end');
    await demo.close(); // the server goes away: every page says it is reconnecting, until closed
    demo = null;
    for (const who of ['customer', 'agent', 'late']) {
      await seen(who, (c) => c.on === 'onstate' && c.state === 'reconnecting', 'reconnecting');
      await pages[who].evaluate(() => window.__chat.close());
      assert.deepEqual(await seen(who, (c) => c.on === 'onclose', 'the close'), { on: 'onclose', code: 1000 });
      assert.ok(
        (await calls(who)).some((c) => c.on === 'onstate' && c.state === 'closed'),
        `${who}: state closed`,
      );
    }
  });
});

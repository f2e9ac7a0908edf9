// A customer in WebKit shares with an agent in Chromium (issue 15, item 4): through the reference
// server's chat (invitation, signaling), over a transport WebKitGTK has. Debian's WebKitGTK has no
// RTCPeerConnection, so both sides pass `createTransport` a WebSocket relay link (test/e2e/webkit/
// relay-transport.js, server/test-support/relay.mjs): everything above the transport — the secure
// channel, capture, masking, the session's navigation and reconnection — is WebKit's own.
// WebKitGTK's MiniBrowser is driven by WebKitWebDriver under Xvfb (test/launchers/webkit.mjs),
// the agent's page by Playwright's Chromium. The fixture pages (test/e2e/webkit/) load the bundles
// from dist/ as the demo does; the demo itself dials over WebRTC and takes no transport.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { remote } from 'webdriverio';
import { startSignalingServer } from '../../server/server.mjs';
import { startRelay } from '../../server/test-support/relay.mjs';
import { CHROME_FLAGS, findChrome } from '../find-chrome.mjs';
import { startWebKitDriver } from '../launchers/webkit.mjs';
import { converge, until } from './flow.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PAGES = join(ROOT, 'test/e2e/webkit/');
const AGENT_KEY = 'webkit-e2e-agent-key';
const CARD = '4111 1111 1111 1111';
/** Text of the customer's first page: the relay must never see it. */
const PAGE_TEXT = 'Gyokuro shaded for twenty days';
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json' };

/**
 * The fixture pages and /dist/ on one origin, `/config.json` saying where the chat and the relay are.
 * Two of these: the mirror refuses to load anything from the agent's own origin, as in the demo.
 */
async function startPages(config) {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/config.json') return res.writeHead(200, { 'content-type': TYPES['.json'] }).end(JSON.stringify(config));
    const file = path.startsWith('/dist/') ? join(ROOT, path) : join(PAGES, path);
    const ok = !path.includes('..') && (await stat(file).catch(() => null))?.isFile();
    if (!ok) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))),
  };
}

/** A WebKit page with the one method flow.mjs's converge() calls. */
const webkitPage = (browser) => ({
  evaluate: (fn, ...args) => (typeof fn === 'string' ? browser.execute(`return ${fn}`) : browser.execute(fn, ...args)),
});

describe('a customer in WebKit, an agent in Chromium, over a WebSocket relay', () => {
  let signaling;
  let relay;
  let shop;
  let desk;
  let driver;
  let webkit;
  let chrome;
  let agent;
  const pageErrors = [];
  before(async () => {
    signaling = await startSignalingServer({ port: 0, host: '127.0.0.1', agentKey: AGENT_KEY, log: () => {} });
    relay = await startRelay();
    const config = { signaling: signaling.url, relay: relay.url };
    shop = await startPages(config);
    desk = await startPages(config);
    driver = await startWebKitDriver();
    webkit = await remote({ hostname: '127.0.0.1', port: driver.port, path: '/', logLevel: 'error', capabilities: driver.capabilities });
    chrome = await chromium.launch({ executablePath: findChrome(), args: CHROME_FLAGS });
  });
  after(async () => {
    await webkit?.execute(() => window.cobrowseSharing?.stop()).catch(() => {});
    await webkit?.deleteSession().catch(() => {});
    driver?.stop();
    await chrome?.close();
    await Promise.all([shop?.close(), desk?.close(), relay?.close(), signaling?.close()]);
  });

  /** The agent's side: a chat token for the customer's room (the test is its identity provider), its page. */
  async function openAgent() {
    const bearer = { authorization: `Bearer ${AGENT_KEY}` };
    const rooms = await until(async () => {
      const list = await (await fetch(`${signaling.url}/api/rooms`, { headers: bearer })).json();
      return list.length && list;
    }, "the customer's room");
    const res = await fetch(`${signaling.url}/api/rooms/${encodeURIComponent(rooms[0].room)}/agent-token`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Alice (agent)' }),
    });
    const { token } = await res.json();
    const page = await (await chrome.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
    page.on('pageerror', (err) => pageErrors.push(`agent: ${err.message}`));
    await page.goto(`${desk.url}agent.html?token=${encodeURIComponent(token)}`);
    await until(() => page.evaluate(() => document.getElementById('chat-state').textContent === 'online'), 'the agent chat');
    return page;
  }

  it(
    'the page arrives masked and sealed, follows the customer to the next page, and survives a cut link',
    { timeout: 240_000 },
    async (t) => {
      const customer = webkitPage(webkit);
      await webkit.url(`${shop.url}shop.html`);
      await until(
        () => customer.evaluate(() => document.getElementById('chat-state')?.textContent === 'online'),
        'the customer chat (WebKit)',
      );
      assert.match(await customer.evaluate(() => navigator.userAgent), /AppleWebKit/);
      assert.doesNotMatch(await customer.evaluate(() => navigator.userAgent), /Chrome|Firefox/);
      agent = await openAgent();
      const c = { customer, agent };
      const mirror = (fn) => agent.evaluate(fn);

      // the agent asks in the chat; the customer's page starts a session and asks the customer
      await agent.evaluate(() => window.invite());
      const allow = () => document.querySelector('cobrowse-consent')?.shadowRoot?.querySelector('[part~=allow]');
      await until(() => customer.evaluate(`!!(${allow})()`), 'the consent in WebKit');
      const allowed = Date.now();
      await customer.evaluate(`(${allow})().click()`);
      await until(() => mirror(() => window.cobrowseViewing?.state === 'connected'), 'the agent (Chromium) to see the page');
      t.diagnostic(`first page in the agent's view ${Date.now() - allowed} ms after Allow (WebKit → relay → Chromium)`);
      assert.ok(relay.pairs >= 1, 'the connection went through the relay: createTransport made it');

      // masking: the card number typed in WebKit never reaches the agent; the name does
      await (await webkit.$('input[name=name]')).setValue('Hanako');
      await (await webkit.$('input[name=card]')).setValue(CARD);
      assert.equal(await customer.evaluate(() => document.querySelector('input[name=card]').value), CARD, 'the customer typed the card');
      await converge(c, 'the page, WebKit → Chromium');
      const seen = await mirror(() => {
        const doc = window.cobrowseViewing.mirror.document;
        return { name: doc.querySelector('input[name=name]').value, card: doc.querySelector('input[name=card]').value };
      });
      assert.equal(seen.name, 'Hanako', 'what the customer types in a plain field arrives');
      assert.ok(!/4111|1111/.test(seen.card), `the card number never reaches the agent: ${seen.card}`);

      // a link: the customer's next page resumes the share and dials the agent again, through the relay
      const pairsBefore = relay.pairs;
      await (await webkit.$('#next-link')).click();
      await until(
        () => mirror(() => /next\.html$/.test(window.cobrowseViewing?.mirror.url ?? '')),
        'the next page in the agent’s view',
        30_000,
      );
      await converge(c, 'the next page, WebKit → Chromium');
      assert.ok(relay.pairs > pairsBefore, 'the next page dialled the agent over the relay');

      // the relay cuts every link without a goodbye: the view comes back by itself, with what changed meanwhile
      await mirror(() => {
        window.__states = [];
        window.cobrowseViewing.on('state', (s) => window.__states.push(s.state));
      });
      const pairsAtCut = relay.pairs;
      relay.cut();
      await customer.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<p id="while-cut">changed while the link was down</p>'));
      await until(
        () => mirror(() => !!window.cobrowseViewing?.mirror.document?.getElementById('while-cut')),
        'the change made during the cut',
        45_000,
      );
      assert.ok(relay.pairs > pairsAtCut, 'a new relay link after the cut');
      assert.deepEqual(await mirror(() => window.__states), ['reconnecting', 'connected'], 'the agent saw the link go and come back');
      await converge(c, 'after the reconnection');

      // the relay saw only sealed bytes: no page text, no card digits, no control message
      const relayed = Buffer.concat(relay.forwarded);
      t.diagnostic(`relayed ${relay.forwarded.length} messages, ${relayed.length} bytes, over ${relay.pairs} links`);
      for (const plain of [PAGE_TEXT, CARD, CARD.replaceAll(' ', ''), 'Hanako', '"t":"']) {
        assert.equal(relayed.indexOf(plain), -1, `the relay saw "${plain}" in the clear`);
      }
      assert.deepEqual(pageErrors, []);
    },
  );
});

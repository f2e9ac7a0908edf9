// TURN, end to end: Debian's coturn on 127.0.0.1 (a free port, a temp folder, a random shared secret),
// the demo and its signaling server configured with that secret and coturn's URL, so each chat welcome
// carries ephemeral TURN credentials; the customer and agent pages opened with `?relay=1`
// (`iceTransportPolicy: 'relay'`: no host candidates at all), two browser contexts, the real session.
// Proved by what the browsers report: the page is mirrored, and getStats on both ends says the
// selected candidate pair is relay ↔ relay. With a secret coturn does not know, nothing connects.
// Without turnserver installed these tests FAIL (CI installs coturn): they do not skip.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';
import { CHROME_FLAGS, findChrome } from '../find-chrome.mjs';
import { startDemo } from '../../demo/server.mjs';
import { converge, startCobrowse, until } from './flow.mjs';
import { startCoturn } from './coturn.mjs';

/**
 * Runs in each page before its scripts: keeps every RTCPeerConnection the library makes (the real
 * class, subclassed only to record), its configuration, when it was made and connected, and the
 * ICE candidate errors (a TURN server's 401 shows up there).
 */
function recordPeerConnections() {
  const Native = window.RTCPeerConnection;
  const records = [];
  window.__peerConnections = records;
  window.RTCPeerConnection = class extends Native {
    constructor(config) {
      super(config);
      const rec = { pc: this, config: JSON.parse(JSON.stringify(config ?? {})), created: performance.now(), connectedAfter: null, errors: [] };
      records.push(rec);
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected' && rec.connectedAfter === null) rec.connectedAfter = performance.now() - rec.created;
      });
      this.addEventListener('icecandidateerror', (e) => rec.errors.push({ code: e.errorCode, text: e.errorText, url: e.url }));
    }
  };
}

/** In a page: the selected candidate pair of each connected RTCPeerConnection, from getStats. */
async function selectedPairs() {
  const out = [];
  for (const rec of window.__peerConnections) {
    if (rec.pc.connectionState !== 'connected') continue;
    const stats = await rec.pc.getStats();
    let pair = null;
    stats.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
    });
    const cand = (id) => {
      const c = id && stats.get(id);
      return c ? { type: c.candidateType, address: c.address, protocol: c.protocol, relayProtocol: c.relayProtocol ?? null, url: c.url ?? null } : null;
    };
    out.push({
      config: rec.config,
      connectedAfter: rec.connectedAfter,
      state: pair?.state ?? null,
      bytesSent: pair?.bytesSent ?? 0,
      bytesReceived: pair?.bytesReceived ?? 0,
      local: cand(pair?.localCandidateId),
      remote: cand(pair?.remoteCandidateId),
    });
  }
  return out;
}

/** The demo with `turn`, one Chromium, customer and agent pages (with `query`) in two contexts. */
async function openTurnDemo(turn, query) {
  const demo = await startDemo({ port: 0, signalingPort: 0, log: () => {}, turn });
  const browser = await chromium.launch({ executablePath: findChrome(), args: CHROME_FLAGS });
  const pageErrors = [];
  const open = async (path) => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    await context.addInitScript(recordPeerConnections);
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(`${path}: ${err.message}`));
    await page.goto(demo.url + path + query);
    return page;
  };
  const customer = await open('customer.html');
  const agent = await open('agent.html');
  return {
    demo,
    customer,
    agent,
    pageErrors,
    async close() {
      // peer connections first: coturn keeps the allocations of vanished peers for minutes
      for (const page of [customer, agent]) {
        await page
          .evaluate(() => {
            window.cobrowseViewing?.stop();
            window.cobrowseSharing?.stop();
            for (const { pc } of window.__peerConnections ?? []) pc.close();
          })
          .catch(() => {});
      }
      await browser.close();
      await demo.close();
    },
  };
}

describe('TURN: co-browse through Debian coturn on 127.0.0.1, relay only', () => {
  const secret = randomBytes(24).toString('base64url');
  let coturn;
  const timings = {};

  before(async () => {
    coturn = await startCoturn({ secret });
  });

  after(async () => {
    const line = Object.entries(timings).map(([k, v]) => `${k} ${v.map((ms) => `${Math.round(ms)} ms`).join(' / ')}`);
    if (line.length) console.log(`RTCPeerConnection created → connected (sharer / viewer): ${line.join('; ')}`);
    await coturn?.close();
  });

  it('mirrors the page over a relayed data channel: both ends select a relay ↔ relay pair via coturn', async () => {
    const t = await openTurnDemo({ secret, urls: [coturn.url] }, '?relay=1');
    try {
      await startCobrowse(t);
      await converge(t, 'the first snapshot to match');
      await t.customer.fill('input[name=name]', 'Relayed Hanako');
      await t.customer.evaluate(() => window.scrollTo(0, 300));
      await converge(t, 'typing and scrolling to follow over the relay');
      assert.equal(await t.agent.evaluate(() => window.cobrowseViewing.mirror.document.querySelector('input[name=name]').value), 'Relayed Hanako');

      const ends = { sharer: await t.customer.evaluate(selectedPairs), viewer: await t.agent.evaluate(selectedPairs) };
      for (const [side, pairs] of Object.entries(ends)) {
        assert.equal(pairs.length, 1, `${side}: one connected RTCPeerConnection (${JSON.stringify(pairs)})`);
        const [p] = pairs;
        assert.equal(p.config.iceTransportPolicy, 'relay', `${side}: the page asked for relay only`);
        const turnServer = p.config.iceServers.find((s) => s.username);
        assert.deepEqual(turnServer.urls, [coturn.url], `${side}: the TURN server came from the chat welcome`);
        assert.match(turnServer.username, /^\d+:[A-Za-z0-9_-]{16}$/, `${side}: an ephemeral username`);
        assert.equal(p.state, 'succeeded', `${side}: the selected pair`);
        assert.equal(p.local.type, 'relay', `${side}: local candidate ${JSON.stringify(p.local)}`);
        assert.equal(p.remote.type, 'relay', `${side}: remote candidate ${JSON.stringify(p.remote)}`);
        assert.equal(p.local.relayProtocol, 'udp', `${side}: allocated over UDP`);
        assert.equal(p.local.address, '127.0.0.1', `${side}: the relayed address is coturn's`);
        assert.ok(p.bytesSent > 0 && p.bytesReceived > 0, `${side}: data went through the pair`);
      }
      timings.relay = [ends.sharer[0].connectedAfter, ends.viewer[0].connectedAfter];
      assert.deepEqual(t.pageErrors, []);
    } finally {
      await t.close();
    }
  });

  it('with the TURN server configured but not required, the direct path is still chosen', async () => {
    const t = await openTurnDemo({ secret, urls: [coturn.url] }, '');
    try {
      await startCobrowse(t);
      await converge(t, 'the first snapshot to match');
      const ends = { sharer: await t.customer.evaluate(selectedPairs), viewer: await t.agent.evaluate(selectedPairs) };
      for (const [side, pairs] of Object.entries(ends)) {
        assert.equal(pairs.length, 1, side);
        assert.equal(pairs[0].config.iceTransportPolicy, undefined, `${side}: default policy`);
        assert.ok(pairs[0].config.iceServers.some((s) => s.username), `${side}: TURN offered`);
        assert.equal(pairs[0].local.type, 'host', `${side}: a host candidate wins (${JSON.stringify(pairs[0].local)})`);
      }
      timings.host = [ends.sharer[0].connectedAfter, ends.viewer[0].connectedAfter];
    } finally {
      await t.close();
    }
  });

  it('with a secret coturn does not share: 401 from the relay, relay-only never connects, the session ends', async () => {
    const t = await openTurnDemo({ secret: `${secret}-not-coturns`, urls: [coturn.url] }, '?relay=1');
    try {
      await until(() => t.customer.locator('#chat-state').textContent().then((s) => s === 'online'), 'the customer chat');
      await t.agent.locator('#rooms button').first().click({ timeout: 15_000 });
      await t.agent.locator('#chat').waitFor({ state: 'visible' });
      await t.agent.click('#invite');
      await t.customer.locator('cobrowse-consent [part~=allow]').waitFor({ state: 'visible' });
      await t.customer.locator('cobrowse-consent [part~=allow]').click();
      // both sides try: coturn refuses their credentials (401 Unauthorized), so there is no candidate
      for (const [side, page] of [['sharer', t.customer], ['viewer', t.agent]]) {
        const errors = await until(
          () => page.evaluate(() => window.__peerConnections.flatMap((r) => r.errors)).then((e) => e.length > 0 && e),
          `${side}: the TURN server to refuse the credentials`,
        );
        assert.ok(errors.every((e) => e.code === 401), `${side}: ${JSON.stringify(errors)}`);
      }
      // the viewer gives up (the transport's connect timeout or the handshake's, whichever first), bounded
      await until(() => t.agent.evaluate(() => window.cobrowseViewing?.state === 'ended'), 'the viewing session to end', 45_000);
      const everConnected = await Promise.all([t.customer, t.agent].map((p) => p.evaluate(() => window.__peerConnections.some((r) => r.connectedAfter !== null))));
      assert.deepEqual(everConnected, [false, false], 'no RTCPeerConnection ever connected');
      const shown = await t.agent.locator('cobrowse-viewer [part=state]').textContent();
      assert.match(shown, /ended/i, 'the agent console says it ended');
      assert.ok(await t.agent.locator('cobrowse-viewer [part=message]').isVisible(), 'and what to do');
      console.log(`relay-only with a wrong TURN secret: the agent console shows "${shown}"`);
    } finally {
      await t.close();
    }
  });
});

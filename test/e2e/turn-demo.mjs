// The TURN demo for the end-to-end tests (test/e2e/turn.test.mjs) and the network fault test
// (test/hardening/faults-network.test.mjs): the demo configured with a coturn's secret and URL, the
// customer and agent pages in two browser contexts, every RTCPeerConnection recorded.
import { chromium } from 'playwright-core';
import { CHROME_FLAGS, findChrome } from '../find-chrome.mjs';
import { startDemo } from '../../demo/server.mjs';

/**
 * Runs in each page before its scripts: keeps every RTCPeerConnection the library makes (the real
 * class, subclassed only to record), its configuration, when it was made and connected, and the
 * ICE candidate errors (a TURN server's 401 shows up there).
 */
export function recordPeerConnections() {
  const Native = window.RTCPeerConnection;
  const records = [];
  window.__peerConnections = records;
  window.RTCPeerConnection = class extends Native {
    constructor(config) {
      super(config);
      const rec = {
        pc: this,
        config: JSON.parse(JSON.stringify(config ?? {})),
        created: performance.now(),
        connectedAfter: null,
        errors: [],
      };
      records.push(rec);
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected' && rec.connectedAfter === null) rec.connectedAfter = performance.now() - rec.created;
      });
      rec.ice = [];
      this.addEventListener('iceconnectionstatechange', () =>
        rec.ice.push([Math.round(performance.timeOrigin + performance.now()), this.iceConnectionState]),
      );
      this.addEventListener('icecandidateerror', (e) => rec.errors.push({ code: e.errorCode, text: e.errorText, url: e.url }));
    }
  };
}

/** In a page: the selected candidate pair of each connected RTCPeerConnection, from getStats. */
export async function selectedPairs() {
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
      return c
        ? { type: c.candidateType, address: c.address, protocol: c.protocol, relayProtocol: c.relayProtocol ?? null, url: c.url ?? null }
        : null;
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
export async function openTurnDemo(turn, query) {
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

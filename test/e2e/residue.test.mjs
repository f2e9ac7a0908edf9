// No per-page residue in the agent's console (issue 17 item 4): the customer changes page 51 times in
// one co-browse session (each page a new document, resumed, a full snapshot replacing the mirror's
// document); after the last the agent's page holds no more documents and event listeners than after
// the first, and has logged no more console messages. Counted by Chromium itself (DevTools
// Memory.getDOMCounters, after a forced garbage collection), and by page.on('console').
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { converge, openDemo, startCobrowse, until } from './flow.mjs';

const CHANGES = Number(process.env.RESIDUE_CHANGES ?? 51);

describe("the agent's console after many page changes", () => {
  let t;
  const consoleMessages = [];

  before(async () => {
    t = await openDemo();
    t.agent.on('console', (m) => consoleMessages.push(`${m.type()}: ${m.text()}`));
    await startCobrowse(t);
    await converge(t, 'the first page');
  });

  after(async () => {
    await t?.close();
  });

  /** Documents, nodes and JS event listeners of the agent's page, after a full garbage collection. */
  async function counters() {
    const cdp = await t.agent.context().newCDPSession(t.agent);
    try {
      for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
      const { documents, nodes, jsEventListeners } = await cdp.send('Memory.getDOMCounters');
      return { documents, nodes, jsEventListeners };
    } finally {
      await cdp.detach();
    }
  }

  /** The customer opens the next page (the guide and the shop, in turn); the agent's view follows. */
  async function change(n) {
    const path = n % 2 ? 'guide.html' : 'customer.html';
    await t.customer.goto(t.demo.url + path);
    await until(() => t.customer.evaluate(() => window.cobrowseSharing?.state === 'connected'), `page ${n}: sharing resumed`);
    await converge(t, `page ${n}: the agent to follow`);
  }

  it(`after ${CHANGES} page changes: no more documents and listeners than after one, no new console messages`, async () => {
    await change(1);
    const first = await counters();
    const logged = consoleMessages.length;
    for (let n = 2; n <= CHANGES; n++) await change(n);
    const last = await counters();
    console.log(`agent's page after 1 page change: ${JSON.stringify(first)}, ${logged} console messages`);
    console.log(`agent's page after ${CHANGES} page changes: ${JSON.stringify(last)}, ${consoleMessages.length} console messages`);
    // no more than after one (one fewer is fine: right after the first change a document can still be
    // on its way out, e.g. a snapshot build's last task not yet collected)
    assert.ok(last.documents <= first.documents, `documents: ${first.documents} → ${last.documents}`);
    assert.ok(last.jsEventListeners <= first.jsEventListeners, `event listeners: ${first.jsEventListeners} → ${last.jsEventListeners}`);
    // the same page (the guide) after both: its nodes, give or take the shop's ticking clock and the chat log
    assert.ok(Math.abs(last.nodes - first.nodes) < 200, `nodes: ${first.nodes} → ${last.nodes}`);
    assert.deepEqual(consoleMessages.slice(logged), [], 'no console message after the first page change');
    assert.equal(await t.agent.evaluate(() => window.cobrowseViewing.state), 'connected');
  });
});

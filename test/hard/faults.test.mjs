// Faults, end to end through the demo (two browser contexts, the reference server, real WebRTC):
// the data channel killed mid-snapshot and mid-stream, the signaling server going away during a
// session, the customer's tab frozen (as a hidden, throttled tab can be) and throttled as a hidden tab
// is, the agent's tab reloaded. (The network path changing is test/hard/faults-network.test.mjs.)
// Figure per fault: time until the agent's view converges again, and frames lost (the final page
// must match: nothing the customer did is lost).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RECORD_CONNECTIONS, converge, openDemo, startCobrowse, until } from '../e2e/flow.mjs';

const figures = [];
const record = (fault, ms) => figures.push({ fault, ms });

describe('faults during a co-browse', () => {
  let t;
  before(async () => {
    t = await openDemo({ initScript: RECORD_CONNECTIONS });
    await startCobrowse(t);
    await converge(t, 'the first page');
  });
  after(async () => {
    console.log('\n| fault | converged again after | lost |\n|---|---|---|');
    for (const f of figures) console.log(`| ${f.fault} | ${f.ms} ms | nothing (final page identical) |`);
    await t?.close();
  });

  it('data channel killed mid-stream: a burst of changes during the cut all arrive', async () => {
    const t0 = Date.now();
    await t.agent.evaluate(() => window.__pcs.forEach((pc) => pc.close()));
    await t.customer.evaluate(() => {
      for (let i = 0; i < 50; i++) document.querySelector('#ticker').textContent = `burst ${i}`;
      document.querySelector('input[name=name]').value = 'typed during the cut';
      document.querySelector('input[name=name]').dispatchEvent(new Event('input', { bubbles: true }));
    });
    await converge(t, 'after the mid-stream cut');
    record('data channel killed mid-stream', Date.now() - t0);
  });

  it('data channel killed mid-snapshot: the next snapshot completes', async () => {
    // a big page makes a snapshot that takes a while; cut while it is arriving
    await t.customer.evaluate(() => {
      const pre = document.createElement('pre');
      pre.id = 'big';
      pre.textContent = Array.from({ length: 60000 }, (_, i) => `line ${i} of the order history`).join('\n');
      document.body.append(pre);
    });
    await converge(t, 'the big page');
    await t.agent.evaluate(() => {
      window.__progress = [];
      window.cobrowseViewing.on('progress', (p) => window.__progress.push(p.received / p.total));
    });
    const t0 = Date.now();
    // a resync asks the customer for a fresh snapshot; cut as soon as part of it has arrived
    await t.agent.evaluate(() => window.cobrowseViewing.channel.send(new Uint8Array([1, ...new TextEncoder().encode('{"t":"resync"}')])));
    await until(() => t.agent.evaluate(() => window.__progress.some((p) => p > 0 && p < 1)), 'part of the snapshot', 10_000);
    await t.agent.evaluate(() => window.__pcs.forEach((pc) => pc.close()));
    await converge(t, 'after the mid-snapshot cut', 30_000);
    record('data channel killed mid-snapshot (≈2 MB page)', Date.now() - t0);
    await t.customer.evaluate(() => document.getElementById('big').remove());
    await converge(t, 'the page without the big block');
  });

  it("the agent's tab reloaded: the console rejoins the live share and converges (a new viewer, a new code)", async () => {
    const t0 = Date.now();
    await t.agent.reload();
    await t.agent.locator('#rooms button').first().click({ timeout: 15_000 });
    await until(() => t.agent.evaluate(() => window.cobrowseViewing?.state === 'connected'), 'the reloaded console to show the page');
    await converge(t, 'after the agent reloaded');
    record("agent's tab reloaded (rejoin by opening the chat)", Date.now() - t0);
    // the old viewer is dropped when its grace time ends; the new one is there now
    const codes = await t.customer.evaluate(() => window.cobrowseSharing.viewerList.map((v) => v.sas));
    assert.ok(codes.includes((await t.agent.locator('cobrowse-viewer [part=code]').textContent()).trim()));
  });

  it("the signaling server goes away: the peer-to-peer session goes on", async () => {
    await t.demo.signaling.close();
    const t0 = Date.now();
    await t.customer.fill('input[name=name]', 'while the server is down');
    await converge(t, 'with the signaling server down');
    record('signaling server stopped (session continues)', Date.now() - t0);
    assert.equal(await t.agent.evaluate(() => window.cobrowseViewing.state), 'connected');
  });

  it("the customer's tab frozen, then resumed: what it did before and after arrives", async () => {
    const cdp = await t.customer.context().newCDPSession(t.customer);
    await t.customer.fill('input[name=name]', 'before the freeze');
    await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
    await new Promise((r) => setTimeout(r, 3000));
    const t0 = Date.now();
    await cdp.send('Page.setWebLifecycleState', { state: 'active' });
    await t.customer.fill('input[name=name]', 'after the freeze');
    await converge(t, 'after the freeze');
    record('customer tab frozen 3 s', Date.now() - t0);
  });
  it("the customer's tab hidden and throttled (tasks once a second, CPU 4× slower) for 6 s: the page's changes keep arriving", async () => {
    // Headless Chromium never hides a tab (a background tab, a minimised window, a tab behind another
    // stay 'visible': tried), so the throttling Chromium applies to a hidden tab is reproduced instead:
    // the page runs only in short slices once a second (Page lifecycle frozen 900 ms / active 100 ms,
    // as intensive wake-up throttling batches timers) on a CPU 4× slower.
    const cdp = await t.customer.context().newCDPSession(t.customer);
    await t.agent.evaluate(() => {
      window.__framesSeen = 0;
      window.cobrowseViewing.on('frame', () => window.__framesSeen++);
    });
    await t.customer.evaluate(() => {
      window.__tick = 0;
      window.__ticker = setInterval(() => (document.querySelector('#ticker').textContent = `hidden tick ${++window.__tick}`), 50);
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    for (let i = 0; i < 6; i++) {
      await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
      await new Promise((r) => setTimeout(r, 900));
      await cdp.send('Page.setWebLifecycleState', { state: 'active' });
      await new Promise((r) => setTimeout(r, 100));
    }
    const during = await t.agent.evaluate(() => window.__framesSeen);
    const ticks = await t.customer.evaluate(() => window.__tick);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await t.customer.evaluate(() => clearInterval(window.__ticker));
    const t0 = Date.now();
    await t.customer.fill('input[name=name]', 'after the throttling');
    await converge(t, 'after the throttling');
    record(`customer tab throttled as a hidden tab, 6 s (${ticks} page ticks ran, ${during} frames reached the agent meanwhile)`, Date.now() - t0);
    assert.ok(during > 0, 'frames kept arriving while the tab was throttled');
    await cdp.detach();
  });
});

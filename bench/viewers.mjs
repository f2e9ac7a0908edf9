#!/usr/bin/env node
// The sharer's cost per extra viewer: one sharer, N viewers (N = 1, 2, 5, 10), real
// RTCPeerConnections in one headless Chromium page, the same workload each time (300 list
// insertions, one task each). Measured on the sharer: time inside SecureChannel.send (compress +
// seal + hand to the data channel, once per viewer per frame) and bytes sent on its data channels.
// Reported, never asserted. `node bench/viewers.mjs [--runs 3]` (needs `npm run build`).
import { chromium } from 'playwright-core';
import { CHROME_FLAGS, findChrome } from '../test/find-chrome.mjs';
import { startDemo } from '../demo/server.mjs';
import { inPageChat } from './lib.mjs';

const argv = process.argv.slice(2);
const RUNS = Number(argv[argv.indexOf('--runs') + 1] || 3) || 3;
const COUNTS = [1, 2, 5, 10];

const demo = await startDemo({ port: 0, signalingPort: 0, log: () => {} });
const browser = await chromium.launch({ executablePath: findChrome(), args: CHROME_FLAGS });

async function measure(viewers) {
  const page = await (await browser.newContext()).newPage();
  await page.addInitScript(inPageChat);
  await page.goto(`${demo.url}customer.html?bench`);
  const result = await page.evaluate(async (n) => {
    const lib = await import('/dist/cdn/cobrowse-rtc.js');
    // count what the sharer sends: bytes on every data channel, time inside SecureChannel.send
    let bytes = 0;
    const send = RTCDataChannel.prototype.send;
    RTCDataChannel.prototype.send = function (data) {
      bytes += data.byteLength ?? data.length;
      return send.call(this, data);
    };
    let sendMs = 0;
    let sends = 0;
    const seal = lib.SecureChannel.prototype.send;
    lib.SecureChannel.prototype.send = function (message) {
      const t = performance.now();
      seal.call(this, message);
      sendMs += performance.now() - t;
      sends++;
    };
    const join = window.benchChat(lib); // bench/lib.mjs inPageChat
    const frame = document.createElement('iframe');
    frame.style.cssText = 'width:800px;height:600px';
    frame.srcdoc = '<!doctype html><body><ul id="list"></ul></body>';
    document.body.append(frame);
    await new Promise((r) => (frame.onload = r));
    const doc = frame.contentDocument;
    const rtc = { iceServers: [] };
    // the bench approves every viewer itself: it measures the fan-out, not the customer's answer
    const sharing = await lib.startSharing({
      document: doc,
      signaling: join('customer'),
      rtc,
      maxViewers: 16,
      persist: false,
      approve: async () => true,
    });
    const views = [];
    for (let i = 0; i < n; i++) {
      const box = document.createElement('div');
      box.style.cssText = 'width:400px;height:300px';
      document.body.append(box);
      const v = await lib.startViewing({ container: box, signaling: join(`agent${i}`), invitation: sharing.invitation, rtc });
      await v.connected;
      views.push(v);
    }
    await new Promise((r) => setTimeout(r, 300));
    bytes = 0;
    sendMs = 0;
    sends = 0;
    const list = doc.getElementById('list');
    const channel = new MessageChannel();
    const tick = () =>
      new Promise((r) => {
        channel.port1.onmessage = r;
        channel.port2.postMessage(0);
      });
    for (let i = 0; i < 300; i++) {
      const li = doc.createElement('li');
      li.textContent = `Order ${i}: sencha ×${i % 7}`;
      li.className = i % 2 ? 'odd' : 'even';
      list.append(li);
      await tick();
    }
    // let every viewer apply everything
    const last = () => views.every((v) => v.mirror.document?.getElementById('list')?.childElementCount === 300);
    for (let t = 0; t < 200 && !last(); t++) await new Promise((r) => setTimeout(r, 25));
    const out = { sendMs, sends, bytes, converged: last() };
    sharing.stop();
    return out;
  }, viewers);
  await page.context().close();
  return result;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const n of COUNTS) {
  const runs = [];
  for (let r = 0; r < RUNS; r++) runs.push(await measure(n));
  rows.push({
    viewers: n,
    sendMs: median(runs.map((r) => r.sendMs)),
    perFrameViewerUs: median(runs.map((r) => (r.sendMs * 1000) / r.sends)),
    kib: median(runs.map((r) => r.bytes)) / 1024,
    converged: runs.every((r) => r.converged),
  });
}
await browser.close();
await demo.close();

console.log('\nSharer cost per viewer: 300 one-task list insertions, medians of', RUNS, 'runs\n');
console.log('| viewers | sharer time in send() | per frame per viewer | bytes sent | bytes per viewer | all converged |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.viewers} | ${r.sendMs.toFixed(1)} ms | ${r.perFrameViewerUs.toFixed(0)} µs | ${r.kib.toFixed(1)} KiB | ${(r.kib / r.viewers).toFixed(1)} KiB | ${r.converged ? 'yes' : 'NO'} |`,
  );
}

#!/usr/bin/env node
// Remote control's latency (issue 16): from the agent's keystroke (viewing.act) to the customer's
// field (its `input` event) and back to the agent's mirror (the mirrored field shows the new value).
// One headless Chromium page, the sharer's page in an iframe, the agent's session beside it, real
// RTCPeerConnections (signaled through an in-page chat), 300 keystrokes at a fast typist's 30 per second,
// each waiting for the last to come back. Reported as p50 / p90 / p99 / max, never asserted.
// `node bench/control-latency.mjs [--keys 300]` (needs `npm run build`).
import { chromium } from 'playwright-core';
import { CHROME_FLAGS, findChrome } from '../test/find-chrome.mjs';
import { startDemo } from '../demo/server.mjs';
import { inPageChat } from './lib.mjs';

const argv = process.argv.slice(2);
const KEYS = Number(argv[argv.indexOf('--keys') + 1] || 300) || 300;

const demo = await startDemo({ port: 0, signalingPort: 0, log: () => {} });
const browser = await chromium.launch({ executablePath: findChrome(), args: CHROME_FLAGS });
const page = await (await browser.newContext()).newPage();
page.on('pageerror', (e) => console.error('page error:', e.message));
page.on('crash', () => console.error('page crashed'));
await page.addInitScript(inPageChat);
await page.goto(`${demo.url}customer.html?bench`);
const result = await page.evaluate(async (keys) => {
  const lib = await import('/dist/cdn/cobrowse-rtc.js');
  lib.enableRemoteControl();
  const join = window.benchChat(lib); // bench/lib.mjs inPageChat
  const frame = document.createElement('iframe');
  frame.style.cssText = 'position:fixed;left:0;top:0;width:600px;height:400px;border:0';
  frame.srcdoc =
    '<!doctype html><body style="margin:0"><input id="f" style="position:absolute;left:10px;top:10px;width:500px;height:30px"></body>';
  document.body.append(frame);
  await new Promise((r) => (frame.onload = r));
  const doc = frame.contentDocument;
  const rtc = { iceServers: [] };
  const sharing = await lib.startSharing({
    document: doc,
    signaling: join('customer'),
    rtc,
    persist: false,
    approve: async () => true,
    control: () => true,
  });
  const box = document.createElement('div');
  box.style.cssText = 'position:fixed;left:620px;top:0;width:600px;height:400px';
  document.body.append(box);
  const viewing = await lib.startViewing({ container: box, signaling: join('agent'), invitation: sharing.invitation, rtc });
  await viewing.connected;
  viewing.requestControl();
  while (viewing.control !== 'granted') await new Promise((r) => setTimeout(r, 10));
  const field = doc.getElementById('f');
  const mirrorField = () => viewing.mirror.document?.getElementById('f');
  viewing.act({ a: 'click', x: 100, y: 25, id: viewing.mirror.id(mirrorField()) });
  while (doc.activeElement !== field) await new Promise((r) => setTimeout(r, 10));
  let onInput = null;
  field.addEventListener('input', () => onInput?.(performance.now()));
  let onFrame = null;
  viewing.on('frame', () => onFrame?.());
  const toPage = [];
  const roundTrip = [];
  let lost = 0;
  for (let i = 0; i < keys; i++) {
    const want = field.value.length + 1;
    const t0 = performance.now();
    const arrived = new Promise((r) => (onInput = r));
    const back = new Promise((r) => {
      onFrame = () => {
        if (mirrorField()?.value.length === want) r(performance.now());
      };
    });
    viewing.act({ a: 'key', key: 'abcdefghij'[i % 10], shift: false, ctrl: false, alt: false, meta: false });
    // a keystroke that does not arrive within 5 s is counted as lost (and the run goes on)
    const within = (p) => Promise.race([p, new Promise((r) => setTimeout(() => r(null), 5000))]);
    const t1 = await within(arrived);
    const t2 = await within(back);
    if (t1 === null || t2 === null) {
      lost++;
      continue;
    }
    toPage.push(t1 - t0);
    roundTrip.push(t2 - t0);
    // a fast typist's pace (30 keys/s): the customer's page allows an agent 60 actions/s (limits.ts)
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + 33 - performance.now())));
  }
  sharing.stop();
  return { toPage, roundTrip, lost, length: field.value.length };
}, KEYS);
await browser.close();
await demo.close?.();

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const row = (name, xs) => `| ${name} | ${[50, 90, 99].map((p) => pct(xs, p).toFixed(1)).join(' | ')} | ${Math.max(...xs).toFixed(1)} |`;
console.log(
  `remote control latency, ${KEYS} keystrokes (${result.length} characters arrived, ${result.lost} lost), one page, real RTCPeerConnections, ms`,
);
console.log('| path | p50 | p90 | p99 | max |');
console.log('|---|---|---|---|---|');
console.log(row("agent's keystroke → the customer's field (input event)", result.toPage));
console.log(row("→ and back in the agent's mirror", result.roundTrip));
process.exit(0);

#!/usr/bin/env node
// The agent's side of a snapshot: how long a 10k / 100k-node snapshot takes to show in the mirror,
// and how long the agent's page is blocked at a time. Two pages in one headless Chromium: the
// customer's builds the bench's shop page (page/workloads.js) and captures it; its snapshot frame is
// handed to the agent's page, which applies it to a Mirror (page/apply-viewer.js). Reported, never
// asserted.
//
//   node bench/apply.mjs [--runs 5]
//
// Columns (medians over runs; each run a fresh agent page):
//   decode / validate — FrameDecoder.decode and validateFrame alone, each in its own task
//   in place          — Mirror.apply called -> the new document is in the mirror (onApply)
//   first paint       — Mirror.apply called -> the first frame rendered after that
//   longest stall     — the longest gap between two turns of a task the agent's page posts again and
//                       again, apply -> first paint: the browser's style, layout and paint included
//   longest task      — the longest 'longtask' entry of the agent's page in that window (0: none over
//                       50 ms; Chromium leaves rendering out of these)
//   fresh / replace   — into an empty mirror / over a mirror that shows the same page (a resync)
import { buildPage, fail, fmtInt, fmtMs, launchChromium, machineLine, median, opt, servePages, table } from './lib.mjs';
import os from 'node:os';

const RUNS = Number(opt('runs', process.env.BENCH_RUNS || 5));
const SIZES = [10_000, 100_000];
const loadBefore = os.loadavg()[0];

await buildPage('apply-sharer');
await buildPage('apply-viewer');
const { server, base } = await servePages();
const browser = await launchChromium();

async function snapshotOf(nodes) {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/apply-sharer.html`);
  const b64 = await page.evaluate((n) => window.snapshotFrame(n), nodes);
  await page.context().close();
  return b64;
}

async function run(b64, replace) {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}/apply-viewer.html`);
  const r = await page.evaluate(([b, rep]) => window.applyRun(b, rep), [b64, replace]);
  await page.context().close();
  if (errors.length) fail(`the agent's page failed: ${errors.join('; ')}`);
  if (!r.ok) fail('the mirror does not show the snapshot');
  return r;
}

const rows = [];
try {
  for (const size of SIZES) {
    const b64 = await snapshotOf(size);
    for (const replace of [false, true]) {
      const runs = [];
      await run(b64, replace); // warmup, discarded
      for (let i = 0; i < RUNS; i++) runs.push(await run(b64, replace));
      const m = (k) => median(runs.map((r) => r[k]));
      rows.push([
        `${fmtInt(runs[0].nodes)} nodes, ${replace ? 'replace' : 'fresh'}`,
        `${(runs[0].bytes / 1024).toFixed(0)} KiB`,
        fmtMs(m('decodeMs')),
        fmtMs(m('validateMs')),
        fmtMs(m('applyMs')),
        fmtMs(m('paintMs')),
        fmtMs(m('stallMs')),
        fmtMs(m('longestTaskMs')),
        String(m('longTasks')),
      ]);
    }
  }
} finally {
  await browser.close();
  server.close();
}

console.log(`\nMirror: a snapshot on the agent's side, medians of ${RUNS} runs (ms)\n`);
console.log(
  table(rows, ['snapshot', 'frame', 'decode', 'validate', 'in place', 'first paint', 'longest stall', 'longest task', 'long tasks']),
);
console.log(`\n${machineLine(loadBefore)}`);

#!/usr/bin/env node
// Chunk size and high-water mark of our transport (src/transport/peer.ts), measured: one 20 MiB message
// over a REAL RTCDataChannel between two pages (two browser contexts of one headless Chromium), for
// 16 KiB chunks with a 1 MiB mark (the defaults), 64 KiB chunks with the same mark, and 64 KiB chunks
// with a 4 MiB mark. Per transfer:
//   throughput   message size / (sender calls send() -> the receiver's onmessage has the whole message),
//                on one clock (performance.timeOrigin + now, both pages in one browser);
//   stall        the longest gap of a 10 ms timer on each page during the transfer (test/helpers/stalls.ts):
//                how long that page could not run its own work; and how long send() itself held the thread.
// Medians over runs (configurations take turns). Reported, never asserted. Exits 1 if a channel does
// not open, or a message does not arrive whole (length, checksum, progress up to the total).
//
//   node bench/chunks.mjs [--runs 3] [--mib 20]      (~30 s; bundles from src/, no build needed)
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BACKGROUND_FLAGS,
  buildPage,
  chromiumVersion,
  fail,
  fmtMs,
  launchChromium,
  linkPages,
  machineLine,
  median,
  outDir,
  servePages,
  table,
  withTimeout,
} from './lib.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(`--${name}`) ? Number(argv[argv.indexOf(`--${name}`) + 1]) || dflt : dflt);
const RUNS = opt('runs', 3);
const SIZE = opt('mib', 20) * 1024 * 1024;
const KiB = 1024;
const MiB = 1024 * KiB;

const CONFIGS = [
  { name: '16 KiB chunks, 1 MiB mark (default)', options: {} },
  { name: '64 KiB chunks, 1 MiB mark', options: { chunkSize: 64 * KiB } },
  { name: '64 KiB chunks, 4 MiB mark', options: { chunkSize: 64 * KiB, highWaterMark: 4 * MiB, lowWaterMark: 1 * MiB } },
];

const loadBefore = os.loadavg()[0];
await buildPage('chunks-page');
const { server, base } = await servePages();
const browser = await launchChromium(BACKGROUND_FLAGS);

/** One transfer of SIZE bytes with `config`, sender and receiver each in its own context. */
async function transfer(config, label) {
  const contexts = [await browser.newContext(), await browser.newContext()];
  const [sender, receiver] = await Promise.all(contexts.map((c) => c.newPage()));
  const pageErrors = [];
  for (const [p, who] of [
    [sender, 'sender'],
    [receiver, 'receiver'],
  ])
    p.on('pageerror', (e) => pageErrors.push(`${who}: ${e}`));
  const why = (e) => `${label}: ${String(e?.message ?? e).split('\n')[0]}${pageErrors.length ? ` (${pageErrors[0]})` : ''}`;
  try {
    await Promise.all([sender, receiver].map((p) => p.goto(`${base}/chunks-page.html`)));
    await linkPages(['sender', sender], ['receiver', receiver], '__signal', ([, signal]) => window.__chunks.signal(signal));
    await receiver.evaluate((o) => window.__chunks.open(false, o), config.options);
    await sender.evaluate((o) => window.__chunks.open(true, o), config.options);
    await withTimeout(
      Promise.all([sender, receiver].map((p) => p.evaluate(() => window.__chunks.connected()))),
      30_000,
      'connecting',
    ).catch((e) => fail(`${why(e)} — the data channel never opened`));

    const sum = await sender.evaluate((n) => window.__chunks.prepare(n), SIZE);
    const arrival = receiver.evaluate(() => window.__chunks.receive());
    arrival.catch(() => {}); // awaited below, with a timeout
    const sent = await sender.evaluate(() => window.__chunks.send());
    const got = await withTimeout(arrival, 120_000, 'the transfer').catch((e) => fail(`${why(e)} — the message never arrived`));
    const [senderStall, receiverStall] = await Promise.all([sender, receiver].map((p) => p.evaluate(() => window.__chunks.stopStalls())));

    if (got.length !== SIZE || got.checksum !== sum)
      fail(`${label}: the message changed on the way (${got.length} of ${SIZE} bytes, checksum ${got.checksum} vs ${sum})`);
    if (got.lastProgress !== SIZE || got.progress < 2)
      fail(`${label}: progress ended at ${got.lastProgress} of ${SIZE} after ${got.progress} calls`);
    if (senderStall.ticks < 2 || receiverStall.ticks < 2)
      fail(`${label}: a page's timer never ran during the transfer (sender ${senderStall.ticks}, receiver ${receiverStall.ticks} ticks)`);
    const ms = got.end - sent.start;
    return {
      ms,
      mibs: SIZE / MiB / (ms / 1000),
      sendCallMs: sent.sendCallMs,
      senderGap: senderStall.longest,
      receiverGap: receiverStall.longest,
    };
  } finally {
    await Promise.all([sender, receiver].map((p) => p.evaluate(() => window.__chunks.close()).catch(() => {})));
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
  }
}

const results = CONFIGS.map(() => []);
try {
  for (let run = 0; run < RUNS; run++) {
    process.stdout.write(`run ${run + 1}/${RUNS}: `);
    // configurations take turns in a different order each run, so a busy moment does not hit one alone
    for (let k = 0; k < CONFIGS.length; k++) {
      const i = (k + run) % CONFIGS.length;
      results[i].push(await transfer(CONFIGS[i], `${CONFIGS[i].name}, run ${run + 1}`));
      process.stdout.write('.');
    }
    process.stdout.write('\n');
  }
} finally {
  await browser.close().catch(() => {});
  server.close();
}

const range = (xs, f) => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;
console.log(`\n${SIZE / MiB} MiB in one send() over a real RTCDataChannel, sender and receiver in two pages — ${machineLine(loadBefore)}`);
console.log(`medians of ${RUNS} runs (range in brackets); stall = longest gap of the page's 10 ms timer during the transfer\n`);
console.log(
  table(
    CONFIGS.map((c, i) => {
      const r = results[i];
      const col = (key, f) =>
        `${f(median(r.map((x) => x[key])))} (${range(
          r.map((x) => x[key]),
          f,
        )})`;
      return [
        c.name,
        col('ms', fmtMs),
        col('mibs', (v) => v.toFixed(1)),
        col('senderGap', fmtMs),
        col('receiverGap', fmtMs),
        col('sendCallMs', fmtMs),
      ];
    }),
    ['configuration', 'transfer ms', 'MiB/s', 'sender stall ms', 'receiver stall ms', 'send() call ms'],
  ),
);
console.log('\nevery run, MiB/s (sender / receiver stall ms):');
CONFIGS.forEach((c, i) =>
  console.log(`  ${c.name}: ${results[i].map((r) => `${r.mibs.toFixed(1)} (${fmtMs(r.senderGap)}/${fmtMs(r.receiverGap)})`).join(', ')}`),
);

mkdirSync(outDir, { recursive: true });
const report = {
  date: new Date().toISOString(),
  chromium: chromiumVersion(),
  cpus: os.cpus().length,
  loadBefore,
  loadAfter: os.loadavg()[0],
  size: SIZE,
  runs: RUNS,
  configs: CONFIGS.map((c, i) => ({ ...c, results: results[i] })),
};
writeFileSync(path.join(outDir, 'chunks.json'), JSON.stringify(report, null, 2));
console.log('wrote bench/results/chunks.json');
process.exit(0);

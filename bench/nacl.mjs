#!/usr/bin/env node
// Our trimmed TweetNaCl (src/secure/nacl.ts) against the whole tweetnacl 1.0.3 (nacl-fast.js):
//  - size of each alone in a browser bundle (esbuild, minified, gzip -9, as bench/size.mjs measures),
//  - in headless Chromium: secretbox seal/open of a 64 KiB record (the largest the secure channel
//    writes) and of 1 MiB, a key pair plus a shared key (X25519), and the whole handshake of
//    src/secure/open.ts (both roles in one page, over an in-memory pipe).
// Reported, never asserted; exits 1 if a check in the page fails (see bench/page/nacl-page.js).
//
//   node bench/nacl.mjs            (~15 s, no build needed: bundles from src/)
import os from 'node:os';
import { buildPage, fail, fmtMs, kb, launchChromium, machineLine, measureBundle, servePages, table, withTimeout } from './lib.mjs';

const loadBefore = os.loadavg()[0];

const sizes = {
  ours: await measureBundle({ contents: "import nacl from './src/secure/nacl.ts'; globalThis.nacl = nacl;" }),
  tweetnacl: await measureBundle({ contents: "import nacl from 'tweetnacl'; globalThis.nacl = nacl;" }),
};

await buildPage('nacl-page');
const { server, base } = await servePages();
const browser = await launchChromium();
let result;
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}/nacl-page.html`);
  result = await withTimeout(page.evaluate(() => window.__nacl.run()), 120_000, 'the nacl page').catch((e) => fail(`${String(e.message ?? e).split('\n')[0]}${errors.length ? ` (page: ${errors[0]})` : ''}`));
} finally {
  await browser.close().catch(() => {});
  server.close();
}

const { record64k: r64, record1m: r1m, keys, handshake } = result;
console.log(`\nTweetNaCl: ours (src/secure/nacl.ts) vs tweetnacl 1.0.3 (nacl-fast.js) — ${machineLine(loadBefore)}\n`);
console.log(table([
  ['size alone, min+gz (esbuild, gzip -9)', kb(sizes.ours.gz), kb(sizes.tweetnacl.gz)],
  ['size alone, min', kb(sizes.ours.min), kb(sizes.tweetnacl.min)],
  ['secretbox seal, 64 KiB record (ms)', fmtMs(r64.seal.ours), fmtMs(r64.seal.tweetnacl)],
  ['secretbox open, 64 KiB record (ms)', fmtMs(r64.open.ours), fmtMs(r64.open.tweetnacl)],
  ['secretbox seal, 1 MiB (ms)', fmtMs(r1m.seal.ours), fmtMs(r1m.seal.tweetnacl)],
  ['secretbox open, 1 MiB (ms)', fmtMs(r1m.open.ours), fmtMs(r1m.open.tweetnacl)],
  ['key pair + shared key, X25519 (ms)', fmtMs(keys.ours), fmtMs(keys.tweetnacl)],
], ['', 'ours', 'tweetnacl']));
console.log(`\nwhole handshake (src/secure/open.ts, viewer + sharer in one page, our nacl): median ${fmtMs(handshake.median)} ms` +
  ` (min ${fmtMs(handshake.min)}, max ${fmtMs(handshake.max)}, ${handshake.count} runs; two key pairs + two shared keys + hashing + in-page hops)`);
console.log('times: median per call in headless Chromium (samples of batched calls taking turns, after warmup); both libraries sealed identical bytes.');
process.exit(0);

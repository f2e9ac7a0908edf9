#!/usr/bin/env node
// Which compression for the secure channel (src/secure)? Measured on REAL frames: each workload runs
// in a fresh headless Chromium page under our capture(), every frame is recorded, then each option
// compresses and decompresses the same frame sequence here (both are plain JS: same engine, V8):
//   stream   what ships: one raw-DEFLATE stream per channel, sync flush after every message, our
//            fixed-Huffman encoder (src/secure/deflate.ts), inflated by one fflate Inflate stream
//   fflate   the same stream from fflate's Deflate (dynamic Huffman tables; the sharer used it until
//            issue 14), with its flush fixed (bench/fflate-sync-deflate.ts)
//   dict     each message deflated alone with a preset dictionary (fflate `dictionary` option)
//   alone    each message deflated alone
// The dictionary is built leave-one-out: from the OTHER workloads' delta frames (16 KiB), so no
// workload is compressed with a dictionary made from itself. Its bundle cost is its gzipped size.
//
//   node bench/compression.mjs [--level 6] [--json out.json]
// Reports; never asserts.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { deflateSync, inflateSync, gzipSync, Inflate } from 'fflate';
import { chromium } from 'playwright-core';
import { CHROME_FLAGS, findChrome } from '../test/find-chrome.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const buildDir = path.join(here, 'results', 'build');
mkdirSync(buildDir, { recursive: true });
const argv = process.argv.slice(2);
const LEVEL = Number(argv.includes('--level') ? argv[argv.indexOf('--level') + 1] : 6);
const JSON_OUT = argv.includes('--json') ? argv[argv.indexOf('--json') + 1] : null;
const DICT_SIZE = 16 * 1024;

// ------------------------------------------------------------ bundles
await esbuild.build({
  entryPoints: [path.join(here, 'page/compression-page.js')],
  outfile: path.join(buildDir, 'compression-page.js'),
  bundle: true,
  format: 'iife',
  target: 'es2022',
  minify: true,
  logLevel: 'silent',
  absWorkingDir: root,
});
for (const [entry, out] of [
  ['src/secure/deflate.ts', 'deflate.mjs'],
  ['bench/fflate-sync-deflate.ts', 'fflate-sync-deflate.mjs'],
]) {
  await esbuild.build({
    entryPoints: [path.join(root, entry)],
    outfile: path.join(buildDir, out),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    logLevel: 'silent',
    absWorkingDir: root,
  });
}
const { SyncDeflate } = await import(path.join(buildDir, 'deflate.mjs'));
const { SyncDeflate: FflateSyncDeflate } = await import(path.join(buildDir, 'fflate-sync-deflate.mjs'));

// ------------------------------------------------------------ frames from Chromium
const server = createServer((req, res) => {
  if (req.url === '/page.js') {
    res.writeHead(200, { 'content-type': 'text/javascript' });
    return res.end(readFileSync(path.join(buildDir, 'compression-page.js')));
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>compression</title><script src="/page.js"></script></head><body></body></html>',
  );
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: findChrome(), args: CHROME_FLAGS });
const names = await (async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(url);
  const n = await page.evaluate(() => window.__compression.names);
  await ctx.close();
  return n;
})();
const recorded = {};
for (const name of names) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await page.goto(url);
  const b64 = await page.evaluate((n) => window.__compression.run(n), name);
  recorded[name] = b64.map((s) => new Uint8Array(Buffer.from(s, 'base64')));
  await ctx.close();
}
await browser.close();
server.close();

// ------------------------------------------------------------ options
const isSnapshot = (f) => f[1] === 0; // SPEC.md: byte 1 = frame kind, 0 = snapshot
const sum = (a) => a.reduce((s, x) => s + x, 0);
const eq = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

function dictionaryFor(name) {
  // delta frames of the other workloads, interleaved round-robin so each contributes, newest last
  const pools = Object.entries(recorded)
    .filter(([n]) => n !== name)
    .map(([, fs]) => fs.filter((f) => !isSnapshot(f)));
  const parts = [];
  let size = 0;
  for (let i = 0; size < DICT_SIZE && pools.some((p) => i < p.length); i++) {
    for (const p of pools) if (i < p.length && size < DICT_SIZE) (parts.push(p[i]), (size += p[i].length));
  }
  const out = new Uint8Array(Math.min(size, DICT_SIZE));
  let at = 0;
  for (const p of parts) {
    const take = Math.min(p.length, out.length - at);
    out.set(p.subarray(0, take), at);
    at += take;
  }
  return out;
}

/** One DEFLATE stream with a sync flush per message, inflated by one fflate Inflate stream. */
function streamed(frames, d) {
  let out = [];
  const inf = new Inflate((c) => out.push(c));
  return frames.map((f) => {
    const t0 = performance.now();
    const a = d.push(f);
    const b = d.flush();
    const t1 = performance.now();
    inf.push(a);
    inf.push(b);
    const t2 = performance.now();
    const got = concat(out);
    out = [];
    return { bytes: a.length + b.length, c: t1 - t0, d: t2 - t1, ok: eq(got, f) };
  });
}

const options = {
  stream: (frames) => streamed(frames, new SyncDeflate()),
  fflate: (frames) => streamed(frames, new FflateSyncDeflate(LEVEL)),
  dict(frames, dictionary) {
    return frames.map((f) => {
      const t0 = performance.now();
      const z = deflateSync(f, { level: LEVEL, dictionary });
      const t1 = performance.now();
      const got = inflateSync(z, { dictionary });
      const t2 = performance.now();
      return { bytes: z.length, c: t1 - t0, d: t2 - t1, ok: eq(got, f) };
    });
  },
  alone(frames) {
    return frames.map((f) => {
      const t0 = performance.now();
      const z = deflateSync(f, { level: LEVEL });
      const t1 = performance.now();
      const got = inflateSync(z);
      const t2 = performance.now();
      return { bytes: z.length, c: t1 - t0, d: t2 - t1, ok: eq(got, f) };
    });
  },
};
function concat(parts) {
  const out = new Uint8Array(sum(parts.map((p) => p.length)));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
}
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[s.length >> 1] : 0;
};

// ------------------------------------------------------------ measure (3 rounds, medians of times)
const rows = [];
for (const [name, frames] of Object.entries(recorded)) {
  const dictionary = dictionaryFor(name);
  const raw = sum(frames.map((f) => f.length));
  const deltas = frames.filter((f) => !isSnapshot(f));
  const row = {
    workload: name,
    frames: frames.length,
    raw,
    rawDeltaMedian: median(deltas.map((f) => f.length)),
    dictGz: gzipSync(dictionary).length,
  };
  for (const [opt, fn] of Object.entries(options)) {
    let best = null;
    for (let round = 0; round < 3; round++) {
      const r = fn(frames, dictionary);
      if (!best || sum(r.map((x) => x.c + x.d)) < sum(best.map((x) => x.c + x.d))) best = r;
    }
    const d = best.filter((_, i) => !isSnapshot(frames[i]));
    row[opt] = {
      ok: best.every((x) => x.ok),
      bytes: sum(best.map((x) => x.bytes)),
      ratio: raw / sum(best.map((x) => x.bytes)),
      deltaRatio: sum(deltas.map((f) => f.length)) / Math.max(1, sum(d.map((x) => x.bytes))),
      deltaMedianBytes: median(d.map((x) => x.bytes)),
      usPerMsg: median(d.map((x) => (x.c + x.d) * 1000)), // compress + decompress, one delta message
      snapshotMs: sum(best.filter((_, i) => isSnapshot(frames[i])).map((x) => x.c + x.d)),
      compressUs: median(d.map((x) => x.c * 1000)), // the sender's share: compress one delta message
      snapshotCompressMs: sum(best.filter((_, i) => isSnapshot(frames[i])).map((x) => x.c)),
    };
  }
  rows.push(row);
}

// ------------------------------------------------------------ report
const pad = (s, n) => String(s).padEnd(n);
console.log(
  `level ${LEVEL}; ratio = raw / compressed (higher is better); µs = median compress+decompress per delta message; compress = the sender's part alone`,
);
console.log(
  `| workload | frames | raw B | delta median B | option | ok | bytes | ratio (all) | ratio (deltas) | delta median B | µs/msg | snapshot ms | compress µs/msg | compress snapshot ms |`,
);
console.log(`|---|---|---|---|---|---|---|---|---|---|---|---|---|---|`);
for (const r of rows) {
  for (const opt of Object.keys(options)) {
    const o = r[opt];
    console.log(
      `| ${r.workload} | ${r.frames} | ${r.raw} | ${r.rawDeltaMedian} | ${opt} | ${o.ok ? 'yes' : 'NO'} | ${o.bytes} | ${o.ratio.toFixed(2)} | ${o.deltaRatio.toFixed(2)} | ${o.deltaMedianBytes} | ${o.usPerMsg.toFixed(0)} | ${o.snapshotMs.toFixed(1)} | ${o.compressUs.toFixed(0)} | ${o.snapshotCompressMs.toFixed(1)} |`,
    );
  }
}
console.log(`dictionary: ${DICT_SIZE} B raw, ${median(rows.map((r) => r.dictGz))} B gzipped (added to every bundle that ships it)`);
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(rows, null, 2));
void pad;

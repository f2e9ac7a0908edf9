#!/usr/bin/env node
// Latency and bytes over a REAL RTCDataChannel between two pages. See bench/README.md ("wire.mjs").
//
//   node bench/wire.mjs [--rounds 3] [--only steady,typing] [--no-rrweb] [--quick]
//
// Two browser contexts in one headless Chromium: a sharer page (startSharing) and a viewer page
// (startViewing), signaled through createChatSignaling over a "chat" that playwright relays. Times
// and sizes are reported, never asserted.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROME_FLAGS, findChrome } from '../test/find-chrome.mjs';
import { BACKGROUND_FLAGS, PAGE_BUILD, fmtInt, fmtMs, fmtRatio, geomean, linkPages, median, table, withTimeout } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const outDir = path.join(here, 'results');
const buildDir = path.join(outDir, 'build');
const pageDir = path.join(here, 'page');

// ------------------------------------------------------------------ options
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[i + 1] : dflt;
};
const QUICK = argv.includes('--quick');
const ROUNDS = Number(opt('rounds', QUICK ? 1 : 3));
const ONLY = opt('only', '')?.split(',').filter(Boolean);
const RRWEB = !argv.includes('--no-rrweb');
const PARAMS = QUICK ? { steadyN: 60, burstN: 100, typingN: 60, subtreeN: 15 } : {};
const TIMEOUT_MS = 180_000;
const TARGET = { p50: 16, p99: 50 };

const LATENCY = ['steady', 'burst', 'typing', 'subtree'];
const BYTES_ONLY = ['todo', 'attributes', 'create-1000x10', 'add-remove', 'descendant-add', 'add-move'];
const pick = (xs) => xs.filter((w) => !ONLY?.length || ONLY.includes(w));

// ------------------------------------------------------------------ bundles
mkdirSync(buildDir, { recursive: true });
// ours: src/index.ts (as bench/run.mjs); while src/ does not build (work in progress), dist/cobrowse-rtc.js
const aliasOurs = (entry) => ({
  name: 'alias-ours',
  setup(b) {
    b.onResolve({ filter: /^cobrowse-rtc$/ }, () => ({ path: path.join(root, entry) }));
  },
});
let oursEntry = null;
const buildFailures = [];
for (const entry of ['src/index.ts', 'dist/cobrowse-rtc.js']) {
  if (!existsSync(path.join(root, entry))) {
    buildFailures.push(`${entry}: missing`);
    continue;
  }
  try {
    for (const name of ['sharer', 'viewer']) {
      await esbuild.build({
        ...PAGE_BUILD,
        plugins: [aliasOurs(entry)],
        entryPoints: [path.join(pageDir, `wire-${name}.js`)],
        outfile: path.join(buildDir, `wire-${name}.js`),
      });
    }
    oursEntry = entry;
    break;
  } catch (e) {
    buildFailures.push(
      `${entry}: ${
        (e.errors || [])
          .slice(0, 2)
          .map((x) => `${x.location?.file ?? ''}:${x.location?.line ?? ''} ${x.text}`)
          .join('; ') || e.message
      }`,
    );
  }
}
if (!oursEntry) {
  console.error(`our library did not build: ${buildFailures.join(' | ')}`);
  process.exit(1);
}
if (buildFailures.length) console.log(`! using ${oursEntry} (${buildFailures.join('; ')})`);
await esbuild.build({ ...PAGE_BUILD, entryPoints: [path.join(pageDir, 'wire-rrweb.js')], outfile: path.join(buildDir, 'wire-rrweb.js') });
await esbuild.build({
  entryPoints: [path.join(pageDir, 'wire-model.js')],
  outfile: path.join(buildDir, 'wire-model.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external', // tweetnacl, fflate from node_modules
  logLevel: 'silent',
  absWorkingDir: root,
});
const { wireBytes } = await import(pathToFileURL(path.join(buildDir, 'wire-model.mjs')).href);

// ------------------------------------------------------------------ static server
const server = createServer((req, res) => {
  const name = path.basename(new URL(req.url, 'http://x').pathname);
  const file = name.endsWith('.html') ? path.join(pageDir, name) : path.join(buildDir, name);
  if (/^wire-[a-z]+\.(html|js)$/.test(name) && existsSync(file)) {
    res.writeHead(200, {
      'content-type': `text/${name.endsWith('.js') ? 'javascript' : 'html'}; charset=utf-8`,
      'cache-control': 'no-store',
    });
    return res.end(readFileSync(file));
  }
  res.writeHead(404).end();
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: findChrome(),
  headless: true,
  // both pages must run at full speed although only one can be "in front"
  args: [...CHROME_FLAGS, ...BACKGROUND_FLAGS],
});

// ------------------------------------------------------------------ one sharer/viewer pair
/** Estimates viewer clock − sharer clock (ms) with playwright round trips; keeps the tightest. */
async function clockOffset(sharer, viewer) {
  let best = null;
  for (let i = 0; i < 15; i++) {
    const a = await sharer.evaluate(() => window.__wire.now());
    const v = await viewer.evaluate(() => window.__view.now());
    const b = await sharer.evaluate(() => window.__wire.now());
    if (!best || b - a < best.rtt) best = { rtt: b - a, offset: v - (a + b) / 2 };
  }
  return best;
}

async function pair(workload, { offset = false } = {}) {
  const cs = await browser.newContext();
  const cv = await browser.newContext();
  const sharer = await cs.newPage();
  const viewer = await cv.newPage();
  const pageErrors = [];
  for (const [p, who] of [
    [sharer, 'sharer'],
    [viewer, 'viewer'],
  ])
    p.on('pageerror', (e) => pageErrors.push(`${who}: ${e}`));
  // the chat: whatever one page posts, the other receives (order kept per direction)
  await linkPages(['sharer', sharer], ['viewer', viewer], '__relay', ([from, text]) => window.__chat.onmessage?.(from, text));
  try {
    return await withTimeout(
      (async () => {
        await sharer.goto(`${base}/wire-sharer.html`);
        await viewer.goto(`${base}/wire-viewer.html`);
        const probe = LATENCY.includes(workload) ? (workload === 'typing' ? 'value' : workload === 'subtree' ? 'subtree' : 'attr') : null;
        await sharer.evaluate(([w, p]) => window.__wire.setup(w, p), [workload, PARAMS]);
        const invitation = await sharer.evaluate(() => window.__wire.share());
        const t0 = Date.now();
        await viewer.evaluate(([inv, p]) => window.__view.start(inv, p), [invitation, probe]);
        const connectMs = Date.now() - t0;
        const clock = offset ? await clockOffset(sharer, viewer) : null;
        await sharer.evaluate(() => window.__wire.mark());
        await viewer.evaluate(() => window.__view.record());
        const s = await sharer.evaluate(() => window.__wire.run());
        // the viewer too must have gone quiet
        for (let i = 0; i < 200 && (await viewer.evaluate(() => window.__view.lastAt())) < 300; i++)
          await new Promise((r) => setTimeout(r, 50));
        const v = await viewer.evaluate(() => window.__view.result());
        const errors = [...pageErrors, ...s.errors.map((e) => `sharer: ${e}`), ...v.errors.map((e) => `viewer: ${e}`)];
        // sanity: the mirror ended up with the sharer's page (<body>: element count, text length, elements with a class)
        const a = s.fingerprint;
        const b = v.fingerprint;
        if (!b || a.elements !== b.elements || a.text !== b.text || a.classed !== b.classed)
          errors.push(`mirror differs from the page: sharer ${JSON.stringify(a)}, mirror ${JSON.stringify(b)}`);
        return { workload, connectMs, clock, sharer: s, viewer: v, errors };
      })(),
      TIMEOUT_MS,
      workload,
    );
  } catch (e) {
    return { workload, error: String(e?.message || e).split('\n')[0] + (pageErrors.length ? ` (${pageErrors[0]})` : '') };
  } finally {
    await cs.close().catch(() => {});
    await cv.close().catch(() => {});
  }
}

async function rrwebRun(workload) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  try {
    await page.goto(`${base}/wire-rrweb.html`);
    const r = await withTimeout(
      page.evaluate(([w, p]) => window.__rr.run(w, p), [workload, PARAMS]),
      TIMEOUT_MS,
      `rrweb ${workload}`,
    );
    // the snapshot warms the DEFLATE stream first (as ours does on the real channel); only the workload's events count
    const wire = await wireBytes([...r.before, ...r.workload], r.before.length);
    return {
      events: r.workload.length,
      json: r.workload.reduce((s, x) => s + Buffer.byteLength(x), 0),
      wire: wire.bytes,
      records: wire.sends,
      errors: r.errors,
    };
  } catch (e) {
    return { error: String(e?.message || e).split('\n')[0] };
  } finally {
    await ctx.close().catch(() => {});
  }
}

// ------------------------------------------------------------------ stats
const quantile = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : null);

// ------------------------------------------------------------------ main
const t0 = Date.now();
const loadBefore = os.loadavg()[0];
const latencyRuns = {}; // workload -> [pair result]
const bytesRuns = {}; // workload -> [pair result]
const rr = {}; // workload -> rrweb result
const say = (s) => process.stdout.write(s);
try {
  for (let round = 0; round < ROUNDS; round++) {
    say(`latency round ${round + 1}/${ROUNDS}: `);
    for (const w of pick(LATENCY)) {
      const r = await pair(w, { offset: round === 0 && w === pick(LATENCY)[0] });
      (latencyRuns[w] ??= []).push(r);
      say(r.error ? `${w} x ` : `${w} ✓ `);
    }
    say('\n');
  }
  say('bytes: ');
  for (const w of pick(BYTES_ONLY)) {
    const r = await pair(w);
    (bytesRuns[w] ??= []).push(r);
    say(r.error ? `${w} x ` : `${w} ✓ `);
  }
  say('\n');
  if (RRWEB) {
    say('rrweb: ');
    for (const w of [...pick(LATENCY), ...pick(BYTES_ONLY)]) {
      rr[w] = await rrwebRun(w);
      say(rr[w].error ? `${w} x ` : `${w} ✓ `);
    }
    say('\n');
  }
} finally {
  await browser.close().catch(() => {});
  server.close();
}
const loadAfter = os.loadavg()[0];

// latency: per run p50/p99/max, then the median of each over runs
const latency = pick(LATENCY).map((w) => {
  const runs = (latencyRuns[w] ?? []).filter((r) => !r.error);
  const per = runs.map((r) => {
    const a = [...r.viewer.latencies].sort((p, q) => p - q);
    return {
      n: a.length,
      written: r.sharer.written,
      frames: r.viewer.frames,
      p50: quantile(a, 0.5),
      p99: quantile(a, 0.99),
      max: a.at(-1) ?? null,
      min: a[0] ?? null,
      connectMs: r.connectMs,
      errors: r.errors,
    };
  });
  const m = (k) => median(per.map((p) => p[k]));
  return {
    workload: w,
    runs: per,
    errors: (latencyRuns[w] ?? [])
      .filter((r) => r.error)
      .map((r) => r.error)
      .concat(runs.flatMap((r) => r.errors)),
    p50: m('p50'),
    p99: m('p99'),
    max: m('max'),
    seen: m('n'),
    written: m('written'),
  };
});
const clock =
  Object.values(latencyRuns)
    .flat()
    .find((r) => r.clock)?.clock ?? null;

// bytes: ours measured on the data channel (workload phase); rrweb through the same wire model
const bytes = [...pick(LATENCY), ...pick(BYTES_ONLY)].map((w) => {
  const runs = [...(latencyRuns[w] ?? []), ...(bytesRuns[w] ?? [])].filter((r) => !r.error);
  const ours = median(runs.map((r) => r.sharer.bytes.workload ?? 0));
  const oursMsgs = median(runs.map((r) => r.sharer.msgs.workload ?? 0));
  const handshake = median(runs.map((r) => r.sharer.bytes.handshake));
  const snapshot = median(runs.map((r) => r.sharer.bytes.snapshot));
  const r = rr[w];
  return {
    workload: w,
    ours: runs.length ? ours : null,
    oursSends: runs.length ? oursMsgs : null,
    oursAll: runs.map((x) => x.sharer.bytes.workload ?? 0),
    handshake,
    snapshot,
    firstKind: runs[0]?.sharer.firstKind ?? null,
    rrweb: r && !r.error ? r.wire : null,
    rrwebEvents: r?.events ?? null,
    rrwebJson: r?.json ?? null,
    rrwebError: r?.error ?? null,
    oursError: runs.length ? null : ([...(latencyRuns[w] ?? []), ...(bytesRuns[w] ?? [])].find((x) => x.error)?.error ?? 'no run'),
    ratio: runs.length && r && !r.error && r.wire > 0 ? ours / r.wire : null,
  };
});
const geo = geomean(bytes.map((b) => b.ratio));

const chromeVersion = (() => {
  try {
    return execFileSync(findChrome(), ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
})();
const ok = (v, t) => (v == null ? '-' : v <= t ? 'yes' : 'NO');
console.log(
  `\ncobrowse-rtc over a real RTCDataChannel, two pages (two contexts) in one ${chromeVersion ?? 'Chromium'}, ${os.cpus().length} cpu`,
);
console.log(
  `load average (1 min) before/after: ${loadBefore.toFixed(1)} / ${loadAfter.toFixed(1)}` +
    (Math.max(loadBefore, loadAfter) > os.cpus().length ? '  !! the machine was busy' : ''),
);
console.log(
  `\nLatency: sharer mutation (stamp) -> viewer frame applied to the mirror; per run p50/p99/max, median of ${ROUNDS} run(s), ms`,
);
if (clock)
  console.log(
    `clock check: viewer − sharer offset ${clock.offset.toFixed(2)} ms (± ${(clock.rtt / 2).toFixed(2)} ms, playwright round trip ${clock.rtt.toFixed(2)} ms)`,
  );
console.log(
  table(
    latency.map((l) => [
      l.workload,
      fmtMs(l.p50),
      fmtMs(l.p99),
      fmtMs(l.max),
      `${l.seen ?? '-'}/${l.written ?? '-'}`,
      ok(l.p50, TARGET.p50),
      ok(l.p99, TARGET.p99),
      l.runs.map((r) => `${fmtMs(r.p50)}/${fmtMs(r.p99)}/${fmtMs(r.max)}`).join('  ') || (l.errors[0] ?? ''),
    ]),
    ['workload', 'p50', 'p99', 'max', 'seen/written', `p50<=${TARGET.p50}`, `p99<=${TARGET.p99}`, 'runs p50/p99/max'],
  ),
);
const errs = latency.flatMap((l) => l.errors.map((e) => `${l.workload}: ${e}`));
if (errs.length) console.log(`errors:\n  ${[...new Set(errs)].slice(0, 10).join('\n  ')}`);

console.log('\nBytes on the wire for the workload (after the snapshot): ours = what the sharer handed to RTCDataChannel.send;');
console.log('rrweb = its events JSON, one message per event, through the same secure sender (one DEFLATE stream, sync flush');
console.log('per message, records + 16-byte MAC + counter varint, 16 KiB chunks), stream warmed by its snapshot first.');
console.log(
  table(
    bytes
      .map((b) => [
        b.workload,
        b.oursError ? `ERR` : fmtInt(b.ours),
        fmtInt(b.oursSends),
        b.rrwebError ? 'ERR' : fmtInt(b.rrweb),
        fmtInt(b.rrwebEvents),
        fmtInt(b.rrwebJson),
        fmtRatio(b.ratio),
      ])
      .concat([[`geomean (${bytes.filter((b) => b.ratio != null).length}/${bytes.length})`, '', '', '', '', '', fmtRatio(geo)]]),
    ['workload', 'ours B', 'ours sends', 'rrweb B', 'rrweb events', 'rrweb JSON B', 'ours/rrweb'],
  ),
);
for (const w of pick(BYTES_ONLY)) for (const r of bytesRuns[w] ?? []) for (const e of r.errors ?? []) console.log(`  ${w}: ${e}`);
for (const b of bytes) {
  if (b.oursError) console.log(`  ours ${b.workload}: ${b.oursError}`);
  if (b.rrwebError) console.log(`  rrweb ${b.workload}: ${b.rrwebError}`);
}
console.log(
  `setup, ours (median): handshake ${fmtInt(median(bytes.map((b) => b.handshake)))} B (first send starts ${bytes.find((b) => b.firstKind)?.firstKind ?? '?'}),` +
    ` snapshot per workload: ${bytes.map((b) => `${b.workload} ${fmtInt(b.snapshot)}`).join(', ')}`,
);

mkdirSync(outDir, { recursive: true });
const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
})();
const date = new Date().toISOString();
const report = {
  date,
  commit,
  oursEntry,
  buildFailures,
  chromium: chromeVersion,
  node: process.version,
  cpus: os.cpus().length,
  loadAverage: { before: loadBefore, after: loadAfter },
  rounds: ROUNDS,
  params: PARAMS,
  targets: TARGET,
  method: {
    latency:
      'sharer writes performance.timeOrigin+performance.now() into a probe (attribute / input value / new subtree attribute) right before the mutation; the viewer, on each `frame` event (emitted right after Mirror.apply), reads the probe from viewing.mirror.document and records timeOrigin+now−stamp once per stamp. Both pages in one Chromium: one clock. Quantiles per run, then medians over runs.',
    oursBytes:
      'sum of byteLength of everything the sharer page passed to RTCDataChannel.prototype.send during the workload phase (after the handshake and snapshot went out and the channel was quiet for 300 ms, until quiet for 400 ms after the workload)',
    rrwebBytes:
      'rrweb@2.2.2 record() default options on the same workload in its own page; each event JSON.stringify-ed is one message, prefixed by the 1-byte session kind, sent through src/secure/sender.ts (real code, fake transport) and src/transport/chunker.ts; the Meta+FullSnapshot events go first (not counted) so the DEFLATE stream is warmed like ours',
  },
  clock,
  latency,
  bytes,
  geomeanRatio: geo,
  elapsedS: (Date.now() - t0) / 1000,
};
const file = path.join(outDir, `wire-${date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify(report, null, 2));
console.log(`\nwrote ${path.relative(root, file)} (${report.elapsedS.toFixed(0)} s)`);
process.exit(0);

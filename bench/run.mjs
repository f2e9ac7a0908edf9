#!/usr/bin/env node
// cobrowse-rtc vs rrweb, side by side in one headless Chromium run. See bench/README.md.
//
//   node bench/run.mjs [--runs 5] [--warmup 1] [--only todo,attributes] [--engines ours,rrweb]
//                      [--no-baseline] [--quiet] [--hide-body]
//
// --hide-body: `display:none` on <body> during the timed window (a diagnostic: without rendering
// work, the gap after a sync workload shrinks to the engines' own; see bench/README.md).
// Every measurement is one fresh page (its own browser context) with ONE engine recording
// `document`; engines alternate run by run. Times and sizes are reported, never asserted.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROME_FLAGS, findChrome } from '../test/find-chrome.mjs';
import { fmtInt, fmtMs, fmtRatio, geomean, median, opt, table } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const outDir = path.join(here, 'results');
const buildDir = path.join(outDir, 'build');

// ------------------------------------------------------------------ options
const RUNS = Number(opt('runs', process.env.BENCH_RUNS || 5));
const WARMUP = Number(opt('warmup', 1));
const ONLY = opt('only', '')?.split(',').filter(Boolean);
const ENGINES = opt('engines', 'ours,rrweb').split(',').filter(Boolean);
const argv = process.argv.slice(2);
const BASELINE = !argv.includes('--no-baseline');
const QUIET = argv.includes('--quiet');
const HIDE_BODY = argv.includes('--hide-body');
const RUN_TIMEOUT_MS = 120_000;

const WORKLOADS = [
  ['deep-nested', 'mutation'],
  ['create-1000x10', 'mutation'],
  ['add-remove', 'mutation'],
  ['descendant-add', 'mutation'],
  ['add-move', 'mutation'],
  ['attributes', 'mutation'],
  ['todo', 'mutation'],
  ['snapshot-10k', 'snapshot'],
  ['snapshot-100k', 'snapshot'],
].filter(([w]) => !ONLY?.length || ONLY.includes(w));

// ------------------------------------------------------------------ bundles
mkdirSync(buildDir, { recursive: true });
const common = {
  bundle: true,
  format: 'iife',
  target: 'es2022',
  minify: true, // both engines as they would ship
  sourcemap: false,
  logLevel: 'silent',
  absWorkingDir: root,
  define: { 'process.env.NODE_ENV': '"production"' },
};

async function buildAll() {
  await esbuild.build({ ...common, entryPoints: [path.join(here, 'page/harness.js')], outfile: path.join(buildDir, 'harness.js') });
  await esbuild.build({
    ...common,
    entryPoints: [path.join(here, 'page/engine-rrweb.js')],
    outfile: path.join(buildDir, 'engine-rrweb.js'),
  });
  await esbuild.build({ ...common, entryPoints: [path.join(here, 'page/engine-none.js')], outfile: path.join(buildDir, 'engine-none.js') });
  await esbuild.build({
    ...common,
    entryPoints: [path.join(here, 'page/engine-observer.js')],
    outfile: path.join(buildDir, 'engine-observer.js'),
  });
  // ours: the public entry first; while parts of it are still missing, the capture module alone
  const attempts = ['src/index.ts', 'src/capture/index.ts'];
  const failures = [];
  for (const entry of attempts) {
    const target = path.join(root, entry);
    if (!existsSync(target)) {
      failures.push(`${entry}: missing`);
      continue;
    }
    try {
      await esbuild.build({
        ...common,
        entryPoints: [path.join(here, 'page/engine-ours.js')],
        outfile: path.join(buildDir, 'engine-ours.js'),
        plugins: [
          {
            name: 'alias-capture',
            setup(b) {
              b.onResolve({ filter: /^cobrowse-capture$/ }, () => ({ path: target }));
            },
          },
        ],
      });
      return { entry, failures };
    } catch (e) {
      const msg = (e.errors || [])
        .slice(0, 3)
        .map((x) => `${x.location?.file ?? ''}:${x.location?.line ?? ''} ${x.text}`)
        .join('; ');
      failures.push(`${entry}: ${msg || e.message}`);
    }
  }
  const why = `our engine did not build: ${failures.join(' | ')}`;
  writeFileSync(path.join(buildDir, 'engine-ours.js'), `window.__engineError = ${JSON.stringify(why)};\n`);
  return { entry: null, failures };
}

// ------------------------------------------------------------------ static server
function serve() {
  const html = (engine) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bench</title>
<script src="/harness.js"></script><script src="/engine-${engine}.js"></script>
</head><body></body></html>`;
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/bench.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      return res.end(html(url.searchParams.get('engine').replace(/[^a-z]/g, '')));
    }
    const file = path.join(buildDir, path.basename(url.pathname));
    if (url.pathname.endsWith('.js') && existsSync(file)) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      return res.end(readFileSync(file));
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ------------------------------------------------------------------ one measurement
async function measure(browser, base, engine, workload) {
  const context = await browser.newContext();
  const page = await context.newPage();
  // the harness calls this hook right before the timed window starts
  if (HIDE_BODY) await page.addInitScript(() => (window.__benchBeforeWindow = () => (document.body.style.display = 'none')));
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  let timer;
  try {
    const crashed = new Promise((_, reject) => page.on('crash', () => reject(new Error('page crashed'))));
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timeout after ${RUN_TIMEOUT_MS / 1000} s`)), RUN_TIMEOUT_MS);
    });
    const work = (async () => {
      await page.goto(`${base}/bench.html?engine=${engine}`, { waitUntil: 'load' });
      return page.evaluate((w) => window.__bench.run(w), workload);
    })();
    return await Promise.race([work, crashed, timeout]);
  } catch (e) {
    return { workload, engine, error: String(e?.message || e) + (errors.length ? ` (page: ${errors[0]})` : '') };
  } finally {
    clearTimeout(timer);
    await context.close().catch(() => {});
  }
}

// ------------------------------------------------------------------ stats and printing
function summarize(samples) {
  const ok = samples.filter((s) => !s.error);
  const errs = [...new Set(samples.filter((s) => s.error).map((s) => s.error.split('\n')[0]))];
  if (!ok.length) return { ok: 0, runs: samples.length, errors: errs };
  return {
    ok: ok.length,
    runs: samples.length,
    errors: errs,
    ms: median(ok.map((s) => s.ms)),
    msAll: ok.map((s) => +s.ms.toFixed(3)),
    workloadMs: median(ok.map((s) => s.workloadMs)),
    nextTaskMs: median(ok.map((s) => s.nextTaskMs)),
    exGapMs: median(ok.map((s) => s.exGapMs)),
    raw: median(ok.map((s) => s.raw)),
    gz: median(ok.map((s) => s.gz)),
    gzEach: median(ok.map((s) => s.gzEach)),
    messages: median(ok.map((s) => s.messages)),
    largest: median(ok.map((s) => s.largest)),
    serializeMs: median(ok.map((s) => s.serializeMs)),
    pageNodes: median(ok.map((s) => s.pageNodes)),
    longestTaskMs: median(ok.map((s) => s.longestTaskMs)),
    longTasks: median(ok.map((s) => s.longTasks)),
    analysis: ok[ok.length - 1].analysis,
  };
}

// ------------------------------------------------------------------ main
const t0 = Date.now();
const loadBefore = os.loadavg()[0];
const built = await buildAll();
if (!built.entry) console.log(`! ${built.failures.join('\n! ')}\n  (our engine's cells will show the error; rrweb still runs)`);
else if (built.failures.length) console.log(`! using ${built.entry} for our engine (${built.failures.join('; ')})`);

const server = await serve();
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: findChrome(),
  headless: true,
  args: [...CHROME_FLAGS, '--js-flags=--expose-gc'],
});

const samples = {}; // samples[workload][engine] = [result...]
const progress = (s) => !QUIET && process.stdout.write(s);
try {
  for (let run = -WARMUP; run < RUNS; run++) {
    progress(run < 0 ? `warmup ${run + WARMUP + 1}/${WARMUP}: ` : `run ${run + 1}/${RUNS}: `);
    WORKLOADS.forEach(([w]) => {
      samples[w] ??= {};
    });
    for (const [wi, [w, kind]] of WORKLOADS.entries()) {
      // alternate which engine goes first, by run and by workload
      const order = (run + wi) % 2 === 0 ? [...ENGINES] : [...ENGINES].reverse();
      // the workload alone, and the floor: a MutationObserver that does nothing (what no engine avoids)
      if (BASELINE && kind === 'mutation' && run >= 0 && run < 3) order.push('none', 'observer');
      for (const engine of order) {
        const r = await measure(browser, base, engine, w);
        if (run >= 0) (samples[w][engine] ??= []).push(r);
        progress(r.error ? 'x' : '.');
      }
    }
    progress('\n');
  }
} finally {
  await browser.close().catch(() => {});
  server.close();
}

// ------------------------------------------------------------------ report
const loadAfter = os.loadavg()[0];
const results = [];
for (const [w, kind] of WORKLOADS) {
  const s = samples[w];
  const ours = summarize(s.ours ?? []);
  const rr = summarize(s.rrweb ?? []);
  const bare = summarize(s.none ?? []);
  const floor = summarize(s.observer ?? []);
  const ratio = (a, b) => (a != null && b != null && b > 0 ? a / b : null);
  results.push({
    workload: w,
    kind,
    ours,
    rrweb: rr,
    baseline: s.none ? { ms: bare.ms, nextTaskMs: bare.nextTaskMs, errors: bare.errors } : undefined,
    floor: s.observer ? { ms: floor.ms, errors: floor.errors } : undefined,
    // the engines' own cost: (engine time - workload alone) ours / rrweb
    overheadRatio: s.none && ours.ms != null && rr.ms != null && bare.ms != null ? ratio(ours.ms - bare.ms, rr.ms - bare.ms) : null,
    ratios: {
      timeExGap: ratio(ours.exGapMs, rr.exGapMs),
      floor: ratio(floor.ms, rr.ms),
      time: ratio(ours.ms, rr.ms),
      raw: ratio(ours.raw, rr.raw),
      gz: ratio(ours.gz, rr.gz),
      gzEach: ratio(ours.gzEach, rr.gzEach),
    },
  });
}

const notes = [];
const errCell = (sum) => {
  if (!sum.errors.length || sum.ok) return null;
  let i = notes.indexOf(sum.errors[0]);
  if (i < 0) i = notes.push(sum.errors[0]) - 1;
  return `ERR[${i + 1}]`;
};
const cell = (sum, key, fmt) => errCell(sum) ?? fmt(sum[key]);
const headers = ['workload', 'ours ms', 'rrweb ms', 'time ratio', 'ours B', 'rrweb B', 'raw ratio', 'ours gz', 'rrweb gz', 'gz ratio'];
const rows = results.map((r) => [
  r.workload,
  cell(r.ours, 'ms', fmtMs),
  cell(r.rrweb, 'ms', fmtMs),
  fmtRatio(r.ratios.time),
  cell(r.ours, 'raw', fmtInt),
  cell(r.rrweb, 'raw', fmtInt),
  fmtRatio(r.ratios.raw),
  cell(r.ours, 'gz', fmtInt),
  cell(r.rrweb, 'gz', fmtInt),
  fmtRatio(r.ratios.gz),
]);
const geo = {
  time: geomean(results.map((r) => r.ratios.time)),
  timeExGap: geomean(results.map((r) => r.ratios.timeExGap)),
  raw: geomean(results.map((r) => r.ratios.raw)),
  gz: geomean(results.map((r) => r.ratios.gz)),
  gzEach: geomean(results.map((r) => r.ratios.gzEach)),
};
const counted = results.filter((r) => r.ratios.time != null).length;
rows.push([`geomean (${counted}/${results.length})`, '', '', fmtRatio(geo.time), '', '', fmtRatio(geo.raw), '', '', fmtRatio(geo.gz)]);

const chromeVersion = await (async () => {
  try {
    return execFileSync(findChrome(), ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
})();
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

console.log(
  `\ncobrowse-rtc vs rrweb@2.2.2 — medians of ${RUNS} runs (after ${WARMUP} warmup), ${chromeVersion ?? 'Chromium'}, ${os.cpus().length} cpu`,
);
console.log('time = workload start -> last frame/event emitted for it (snapshots: engine start -> full snapshot);');
console.log(
  'B = raw bytes (ours: frames; rrweb: JSON of the events, UTF-8); gz = the whole output as ONE buffer, fflate deflateSync level 6.',
);
console.log('ratio = ours / rrweb (targets: time <= 0.5, gz <= 0.5).');
console.log(
  `load average (1 min) before/after: ${loadBefore.toFixed(1)} / ${loadAfter.toFixed(1)}` +
    (Math.max(loadBefore, loadAfter) > os.cpus().length ? '  !! the machine was busy: absolute times are inflated, ratios noisier' : '') +
    '\n',
);
console.log(table(rows, headers));
notes.forEach((n, i) => console.log(`[${i + 1}] ${n.length > 400 ? n.slice(0, 400) + '…' : n}`));
const snapshotRows = results.filter((r) => r.kind === 'snapshot');
if (snapshotRows.length) {
  console.log(
    "\nthe customer's page while a viewer joins: longest main-thread task between two turns of a task the page posts again and again, and tasks >= 50 ms (PerformanceObserver longtask), engine start -> snapshot out (target: <= 50 ms)",
  );
  const cellOr = (sum, key) => errCell(sum) ?? (sum[key] == null ? '—' : key === 'longTasks' ? String(sum[key]) : fmtMs(sum[key]));
  console.log(
    table(
      snapshotRows.map((r) => [
        r.workload,
        cellOr(r.ours, 'longestTaskMs'),
        cellOr(r.ours, 'longTasks'),
        cellOr(r.rrweb, 'longestTaskMs'),
        cellOr(r.rrweb, 'longTasks'),
      ]),
      ['snapshot', 'ours longest task', 'ours tasks >= 50 ms', 'rrweb longest task', 'rrweb tasks >= 50 ms'],
    ),
  );
}
if (BASELINE) {
  console.log(
    '\nworkload alone, no engine (median of 3), ms: ' +
      results
        .filter((r) => r.baseline?.ms != null)
        .map((r) => `${r.workload} ${fmtMs(r.baseline.ms)}`)
        .join(', '),
  );
  // the lowest time ratio a MutationObserver-based engine can have: the records cost this much by themselves
  const floors = results.filter((r) => r.ratios.floor != null);
  const best = results.map((r) => r.ratios.floor ?? r.ratios.time);
  console.log(
    "floor, a MutationObserver with capture's options and an empty callback (page/engine-observer.js; median of 3), ms and ÷ rrweb: " +
      floors.map((r) => `${r.workload} ${fmtMs(r.floor.ms)} = ${fmtRatio(r.ratios.floor)}`).join(', ') +
      ` | geomean ${fmtRatio(geomean(floors.map((r) => r.ratios.floor)))}; the time ratio's geomean with every mutation workload at its floor and the snapshots as measured: ${fmtRatio(geomean(best))}`,
  );
  console.log(
    'engine overhead ratio, (ours - alone) / (rrweb - alone): ' +
      results
        .filter((r) => r.baseline)
        .map((r) => `${r.workload} ${fmtRatio(r.overheadRatio)}`)
        .join(', '),
  );
}
console.log(
  "gap from a sync workload's end to the next task (browser work, e.g. rendering; inside our window, after rrweb's last event), ms ours/rrweb/alone: " +
    results
      .filter((r) => r.ours.nextTaskMs != null || r.rrweb.nextTaskMs != null)
      .map((r) => `${r.workload} ${fmtMs(r.ours.nextTaskMs)}/${fmtMs(r.rrweb.nextTaskMs)}/${fmtMs(r.baseline?.nextTaskMs)}`)
      .join(', '),
);
const mut = results.filter((r) => r.ratios.timeExGap != null);
console.log(
  "time ratio without that gap (the engines' own cost + workload; see README): " +
    mut.map((r) => `${r.workload} ${fmtMs(r.ours.exGapMs)}/${fmtMs(r.rrweb.exGapMs)} = ${fmtRatio(r.ratios.timeExGap)}`).join(', ') +
    ` | geomean ${fmtRatio(geomean(mut.map((r) => r.ratios.timeExGap)))}`,
);
console.log(
  '\nper message compressed (sum of each frame/event deflated alone) ratio ours/rrweb: ' +
    results.map((r) => `${r.workload} ${fmtRatio(r.ratios.gzEach)}`).join(', ') +
    ` | geomean ${fmtRatio(geo.gzEach)}`,
);
console.log(
  'messages per workload (ours frames / rrweb events): ' +
    results.map((r) => `${r.workload} ${r.ours.messages ?? '-'}/${r.rrweb.messages ?? '-'}`).join(', '),
);

mkdirSync(outDir, { recursive: true });
const report = {
  date: new Date().toISOString(),
  commit,
  oursEntry: built.entry,
  oursBuildFailures: built.failures,
  chromium: chromeVersion,
  node: process.version,
  cpus: os.cpus().length,
  loadAverage: { before: loadBefore, after: loadAfter },
  runs: RUNS,
  warmup: WARMUP,
  method: {
    time: 'mutation workloads: performance.now() before the workload -> the later of (workload returned, timestamp taken on entry of the engine callback for the last frame/event emitted before the engine went quiet). Snapshots: before capture()/record() -> entry of the callback for the first snapshot frame / the FullSnapshot event.',
    raw: 'ours: sum of frame byte lengths; rrweb: UTF-8 bytes of JSON.stringify(events array) for the workload',
    gz: 'fflate deflateSync level 6 of the whole workload output as one buffer (ours: frames concatenated; rrweb: the JSON array)',
    gzEach: 'sum over messages of deflateSync level 6 of each frame / each event JSON alone',
  },
  geomean: geo,
  results,
  elapsedS: (Date.now() - t0) / 1000,
};
writeFileSync(path.join(outDir, 'bench.json'), JSON.stringify(report, null, 2));
console.log(`\nwrote bench/results/bench.json (${report.elapsedS.toFixed(0)} s)`);
if (!ONLY?.length) execFileSync(process.execPath, [path.join(here, 'frameworks.mjs'), '--runs', String(RUNS)], { stdio: 'inherit' }); // framework apps: capture off / a bare MutationObserver / ours / rrweb

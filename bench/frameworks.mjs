#!/usr/bin/env node
// The same todo app written with eight front-end stacks, driven like a user, timed with capture off /
// ours / rrweb in one run: score = time with capture off / time with it on (1 = no slowdown).
// See bench/README.md ("Framework apps") and bench/frameworks/.
//
//   node bench/frameworks.mjs [--runs 5] [--warmup 1] [--only react,vue] [--engines none,ours,rrweb]
//   node bench/frameworks.mjs --profile angular     # CPU profile of ours on one app (unminified)
//   node bench/frameworks.mjs --profile angular --profile-engine none   # the app alone, to compare
//
// Reports, never asserts. Reuses bench/page/harness.js (same timed window as run.mjs) and the engine
// adapters bench/page/engine-*.js; ours is capture from dist/ (falls back to src/index.ts).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { compile } from 'svelte/compiler';
import { PAGE_BUILD, buildDir, geomean, launchChromium, machineLine, median, opt, outDir, root, here, withTimeout } from './lib.mjs';

const RUNS = Number(opt('runs', process.env.BENCH_RUNS || 5));
const WARMUP = Number(opt('warmup', 1));
const ONLY = opt('only', '').split(',').filter(Boolean);
const ENGINES = opt('engines', 'none,observer,ours,rrweb').split(',').filter(Boolean);
const PROFILE = opt('profile', null);
const PROFILE_ENGINE = opt('profile-engine', 'ours'); // `none` profiles the app alone, to compare
const RUN_TIMEOUT_MS = 180_000;
const fwDir = path.join(here, 'frameworks');

// app name -> entry file in bench/frameworks/apps and the esbuild options it needs
const APPS = {
  angular: {
    file: 'angular.ts',
    build: {
      tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false } },
      define: { ngDevMode: 'false', ngJitMode: 'true', ngI18nClosureMode: 'false', ngServerMode: 'false', ngHmrMode: 'false' },
    },
  },
  react: { file: 'react.jsx', build: { jsx: 'automatic' } },
  vue: {
    file: 'vue.js',
    build: {
      alias: { vue: 'vue/dist/vue.esm-bundler.js' }, // with the template compiler
      define: { __VUE_OPTIONS_API__: 'true', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' },
    },
  },
  preact: { file: 'preact.jsx', build: { jsx: 'automatic', jsxImportSource: 'preact' } },
  svelte: { file: 'svelte.js', build: { plugins: [svelteCompiler()] } },
  lit: { file: 'lit.js', build: {} },
  jquery: { file: 'jquery.js', build: {} },
  vanilla: { file: 'vanilla.js', build: {} },
};
const apps = Object.keys(APPS).filter((a) => !ONLY.length || ONLY.includes(a));

function svelteCompiler() {
  return {
    name: 'svelte',
    setup(b) {
      b.onLoad({ filter: /\.svelte$/ }, (args) => {
        const { js, warnings } = compile(readFileSync(args.path, 'utf8'), { filename: args.path, generate: 'client', dev: false });
        return {
          contents: js.code,
          loader: 'js',
          resolveDir: path.dirname(args.path),
          warnings: warnings.map((w) => ({ text: w.message })),
        };
      });
    },
  };
}

// ------------------------------------------------------------------ bundles
// the root package.json's `sideEffects` list would let esbuild drop the harness (imported for its effect)
const keepHarness = {
  name: 'keep-harness',
  setup: (b) => b.onResolve({ filter: /page\/harness\.js$/ }, (a) => ({ path: path.join(a.resolveDir, a.path), sideEffects: true })),
};

async function buildApp(name, dir, extra = {}) {
  const { file, build } = APPS[name];
  await esbuild.build({
    ...PAGE_BUILD,
    ...extra,
    ...build,
    define: { ...PAGE_BUILD.define, ...build.define },
    plugins: [keepHarness, ...(build.plugins ?? [])],
    stdin: {
      contents: `import { register } from './driver.js'; import { mount } from './apps/${file}'; register(mount);`,
      resolveDir: fwDir,
      loader: 'js',
    },
    outfile: path.join(dir, `fw-${name}.js`),
  });
}

/** The three engine adapters of run.mjs; ours aliased to dist/ (what ships), else src/index.ts. */
async function buildEngines(dir, extra = {}) {
  for (const e of ['none', 'rrweb', 'observer']) {
    await esbuild.build({
      ...PAGE_BUILD,
      ...extra,
      entryPoints: [path.join(here, `page/engine-${e}.js`)],
      outfile: path.join(dir, `fw-engine-${e}.js`),
    });
  }
  const failures = [];
  for (const entry of ['dist/cobrowse-rtc.js', 'src/index.ts']) {
    const target = path.join(root, entry);
    try {
      await esbuild.build({
        ...PAGE_BUILD,
        ...extra,
        entryPoints: [path.join(here, 'page/engine-ours.js')],
        outfile: path.join(dir, 'fw-engine-ours.js'),
        plugins: [{ name: 'alias-capture', setup: (b) => b.onResolve({ filter: /^cobrowse-capture$/ }, () => ({ path: target })) }],
      });
      return { entry, failures };
    } catch (e) {
      failures.push(`${entry}: ${e.errors?.[0]?.text ?? e.message}`);
    }
  }
  throw new Error(`our engine did not build: ${failures.join(' | ')}`);
}

function serve(dir) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/fw.html') {
      const app = url.searchParams.get('app').replace(/[^a-z]/g, '');
      const engine = url.searchParams.get('engine').replace(/[^a-z]/g, '');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      return res.end(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${app}</title><script src="/fw-${app}.js"></script><script src="/fw-engine-${engine}.js"></script></head><body></body></html>`,
      );
    }
    const file = path.join(dir, path.basename(url.pathname));
    if (!url.pathname.endsWith('.js') || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${server.address().port}` })),
  );
}

// ------------------------------------------------------------------ one measurement
/**
 * CPU time of the page's main thread and renderer process over the timed window (CDP Performance
 * metrics ThreadTime / ProcessTime, read when the harness opens the window and when the driver's script
 * has finished): unlike wall-clock time, it does not grow while other processes hold the CPU.
 */
async function cpuMarks(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const marks = {};
  const read = async (name) => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
    marks[name] = { thread: m.ThreadTime * 1000, process: m.ProcessTime * 1000 };
  };
  await page.exposeFunction('__fwCpuMark', read);
  return { marks, read };
}

async function measure(browser, base, app, engine, hooks = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    const cpu = await cpuMarks(page);
    if (hooks.before) await hooks.before(page);
    else await page.exposeFunction('__benchBeforeWindow', () => cpu.read('start'));
    const work = (async () => {
      await page.goto(`${base}/fw.html?app=${app}&engine=${engine}`, { waitUntil: 'load' });
      const r = await page.evaluate(() => window.__bench.run('app'));
      const stats = await page.evaluate(() => window.__fwStats());
      // only tasks that started inside the timed window (the harness's byte counting comes after it)
      const inWindow = stats.longTasks.filter((t) => t.start < r.ms);
      const extra = await hooks.after?.(page);
      const { start, end } = cpu.marks;
      const cpuMs = start && end ? end.thread - start.thread : null;
      const processMs = start && end ? end.process - start.process : null;
      return {
        ...r,
        ...stats,
        longTasks: inWindow.length,
        longestTaskMs: Math.max(0, ...inWindow.map((t) => t.ms)),
        cpuMs,
        processMs,
        extra,
      };
    })();
    const crashed = new Promise((_, reject) => page.on('crash', () => reject(new Error('page crashed'))));
    return await withTimeout(Promise.race([work, crashed]), RUN_TIMEOUT_MS, `${app}/${engine}`);
  } catch (e) {
    return { error: String(e?.message || e) + (errors.length ? ` (page: ${errors[0]})` : '') };
  } finally {
    await context.close().catch(() => {});
  }
}

// ------------------------------------------------------------------ profile mode
async function profile(app) {
  const dir = path.join(outDir, 'build-profile-fw');
  mkdirSync(dir, { recursive: true });
  const unminified = { minify: false, keepNames: true };
  await buildApp(app, dir, unminified);
  const built = await buildEngines(dir, unminified);
  const { server, base } = await serve(dir);
  const browser = await launchChromium(['--js-flags=--expose-gc']);
  try {
    let cdp;
    const r = await measure(browser, base, app, PROFILE_ENGINE, {
      async before(page) {
        cdp = await page.context().newCDPSession(page);
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
        await page.exposeFunction('__benchBeforeWindow', () => cdp.send('Profiler.start'));
      },
      after: () => cdp.send('Profiler.stop'),
    });
    if (r.error) throw new Error(r.error);
    const prof = r.extra.profile;
    writeFileSync(path.join(outDir, `fw-${app}-${PROFILE_ENGINE}.cpuprofile`), JSON.stringify(prof));
    const self = new Map();
    let total = 0;
    const byFile = new Map();
    const dt = new Map();
    // only the samples inside the timed window (the profiler starts right before it; after it come the
    // harness's byte counting and frame decoding, which are not capture's cost)
    let at = prof.startTime;
    const end = prof.startTime + (r.ms + 3) * 1000;
    prof.samples.forEach((id, i) => {
      at += prof.timeDeltas[i] || 0;
      if (at <= end) dt.set(id, (dt.get(id) || 0) + (prof.timeDeltas[i] || 0) / 1000);
    });
    const sources = new Map(); // bundle -> its lines, to show what an anonymous function is
    const where = (f, file) => {
      if (f.functionName || !file.endsWith('.js')) return '';
      if (!sources.has(file)) sources.set(file, readFileSync(path.join(dir, file), 'utf8').split('\n'));
      return `  ${(sources.get(file)[f.lineNumber] ?? '').trim().slice(0, 90)}`;
    };
    for (const n of prof.nodes) {
      const t = dt.get(n.id) || 0;
      total += t;
      const f = n.callFrame;
      const file = path.basename(f.url || '') || `(${f.functionName || 'native'})`;
      byFile.set(file, (byFile.get(file) || 0) + t);
      const key = `${f.functionName || '(anonymous)'}  ${file}:${f.lineNumber + 1}${where(f, file)}`;
      self.set(key, (self.get(key) || 0) + t);
    }
    console.log(
      `${app}, ${PROFILE_ENGINE === 'ours' ? `ours from ${built.entry}` : PROFILE_ENGINE}: window ${r.ms.toFixed(1)} ms, ${total.toFixed(0)} ms sampled`,
    );
    console.log('self time by file / category:');
    for (const [k, v] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  ${v.toFixed(1).padStart(8)} ms  ${k}`);
    const top = (filter, n) =>
      [...self]
        .filter(([k]) => filter(k))
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .forEach(([k, v]) => console.log(`  ${v.toFixed(1).padStart(8)} ms  ${k}`));
    console.log('top self time in our capture (fw-engine-ours.js):');
    top((k) => k.includes('fw-engine-ours.js'), 10);
    console.log('top self time overall:');
    top(() => true, 15);
    console.log(`wrote bench/results/fw-${app}-${PROFILE_ENGINE}.cpuprofile`);
  } finally {
    await browser.close();
    server.close();
  }
}

// ------------------------------------------------------------------ main
if (PROFILE) {
  await profile(PROFILE);
  process.exit(0);
}
const t0 = Date.now();
const loadBefore = os.loadavg()[0];
mkdirSync(buildDir, { recursive: true });
for (const a of apps) await buildApp(a, buildDir);
const built = await buildEngines(buildDir);
const { server, base } = await serve(buildDir);
const browser = await launchChromium(['--js-flags=--expose-gc']);
const samples = {}; // samples[app][engine] = [result per run]
try {
  for (let run = -WARMUP; run < RUNS; run++) {
    process.stdout.write(run < 0 ? `frameworks warmup: ` : `frameworks run ${run + 1}/${RUNS}: `);
    for (const [ai, app] of apps.entries()) {
      // rotate which engine goes first, by run and by app
      const k = (run + WARMUP + ai) % ENGINES.length;
      for (const engine of [...ENGINES.slice(k), ...ENGINES.slice(0, k)]) {
        const r = await measure(browser, base, app, engine);
        if (run >= 0) ((samples[app] ??= {})[engine] ??= []).push(r);
        process.stdout.write(r.error ? 'x' : '.');
      }
    }
    process.stdout.write('\n');
  }
} finally {
  await browser.close().catch(() => {});
  server.close();
}

// ------------------------------------------------------------------ report
const ok = (rs) => (rs ?? []).filter((r) => !r.error);
const med = (rs, key) => median(ok(rs).map((r) => r[key]));
const errors = [];
const results = apps.map((app) => {
  const s = samples[app] ?? {};
  const row = { app, engines: {} };
  for (const e of ENGINES) {
    const rs = s[e] ?? [];
    const errs = [...new Set(rs.filter((r) => r.error).map((r) => r.error.split('\n')[0]))];
    errs.forEach((m) => errors.push(`${app}/${e}: ${m}`));
    row.engines[e] = {
      ok: ok(rs).length,
      runs: rs.length,
      ms: med(rs, 'ms'),
      cpuMs: med(rs, 'cpuMs'),
      processMs: med(rs, 'processMs'),
      msAll: ok(rs).map((r) => +r.ms.toFixed(1)),
      longestTaskMs: med(rs, 'longestTaskMs'),
      longestTaskMaxMs: Math.max(0, ...ok(rs).map((r) => r.longestTaskMs)),
      longestStartTaskMs: med(rs, 'longestStartTaskMs'),
      slowestActionMs: med(rs, 'slowestActionMs'),
      actions: med(rs, 'actions'),
      messages: med(rs, 'messages'),
      bytes: med(rs, 'raw'),
      errors: errs,
    };
  }
  // score = off / on (wall-clock window; cpu: the main thread's CPU time in it); also per run (the
  // engines of one run ran back to back), for the spread
  const off = s.none ?? [];
  const scores = (on, key) => {
    const offMed = row.engines.none?.[key];
    const paired = (s[on] ?? []).map((r, i) => (r.error || !off[i] || off[i].error || !r[key] ? null : off[i][key] / r[key]));
    const sorted = paired.filter((x) => x != null).sort((a, b) => a - b);
    return {
      score: offMed != null && row.engines[on][key] ? offMed / row.engines[on][key] : null,
      runs: paired.map((x) => (x == null ? null : +x.toFixed(3))),
      iqr: sorted.length >= 4 ? sorted[Math.floor(sorted.length * 0.75)] - sorted[Math.floor(sorted.length * 0.25)] : null,
    };
  };
  for (const e of ENGINES.filter((x) => x !== 'none')) {
    const wall = scores(e, 'ms');
    const cpu = scores(e, 'cpuMs');
    Object.assign(row.engines[e], { score: wall.score, scoreRuns: wall.runs, scoreIqr: wall.iqr });
    Object.assign(row.engines[e], { cpuScore: cpu.score, cpuScoreRuns: cpu.runs, cpuScoreIqr: cpu.iqr });
  }
  return row;
});
const on = ENGINES.filter((e) => e !== 'none');
const geo = Object.fromEntries(on.map((e) => [e, geomean(results.map((r) => r.engines[e].score))]));
const geoCpu = Object.fromEntries(on.map((e) => [e, geomean(results.map((r) => r.engines[e].cpuScore))]));

const f1 = (n) => (n == null ? '-' : n.toFixed(1));
const fmtScore = (v, iqr) => (v == null ? 'ERR' : `×${v.toFixed(2)}${iqr != null ? ` ±${(iqr / 2).toFixed(2)}` : ''}`);
const score = (x) => fmtScore(x?.score, x?.scoreIqr);
const cpuScore = (x) => fmtScore(x?.cpuScore, x?.cpuScoreIqr);
const lt = (x) => (x?.longestTaskMs == null ? '-' : x.longestTaskMs === 0 ? '<50' : f1(x.longestTaskMs));
const md = (cells) => `| ${cells.join(' | ')} |`;
const head = [
  'app',
  'off ms',
  ...on.map((e) => `${e} ms`),
  ...on.map((e) => `score ${e}`),
  'cpu off ms',
  ...on.map((e) => `cpu score ${e}`),
  ...on.map((e) => `longest task ${e} ms`),
  'longest task off ms',
  ...on.map((e) => `slowest action ${e} ms`),
  'slowest action off ms',
];
const lines = [md(head), md(head.map(() => '---'))];
for (const r of results) {
  const x = r.engines;
  lines.push(
    md([
      r.app,
      f1(x.none?.ms),
      ...on.map((e) => f1(x[e].ms)),
      ...on.map((e) => score(x[e])),
      f1(x.none?.cpuMs),
      ...on.map((e) => cpuScore(x[e])),
      ...on.map((e) => lt(x[e])),
      lt(x.none),
      ...on.map((e) => f1(x[e].slowestActionMs)),
      f1(x.none?.slowestActionMs),
    ]),
  );
}
lines.push(
  md([
    `**geometric mean (${apps.length} apps)**`,
    '',
    ...on.map(() => ''),
    ...on.map((e) => `**×${geo[e]?.toFixed(2) ?? '-'}**`),
    '',
    ...on.map((e) => `**×${geoCpu[e]?.toFixed(2) ?? '-'}**`),
    ...head.slice(3 + 3 * on.length).map(() => ''),
  ]),
);

console.log(
  `\nframework apps: score = time with capture off / on (1.00 = no slowdown; target ≥ 0.95), medians of ${RUNS} runs (after ${WARMUP} warmup)`,
);
console.log(`ours = capture from ${built.entry}; rrweb@2.2.2 record(), default options; ${machineLine(loadBefore)}`);
console.log(
  "observer = a MutationObserver with capture's options and an empty callback (bench/page/engine-observer.js): the floor of any DOM-recording engine;",
);
console.log('time = harness window (bench/README.md): first action -> later of the last action and the last frame/event;');
console.log('± = half the interquartile range of the per-run scores (each run: off and on measured back to back);');
console.log(
  "cpu = the page's main-thread CPU time in the window (CDP ThreadTime; less sensitive to a busy machine), cpu score = off / on;",
);
console.log(
  "longest task = PerformanceObserver 'longtask' (≥ 50 ms) in the timed window, median over runs; slowest action = one action's start -> the next's.\n",
);
console.log(lines.join('\n'));
errors.forEach((e) => console.log(`! ${e}`));
mkdirSync(outDir, { recursive: true });
const report = {
  date: new Date().toISOString(),
  oursEntry: built.entry,
  runs: RUNS,
  warmup: WARMUP,
  loadAverage: { before: loadBefore, after: os.loadavg()[0] },
  geomean: geo,
  geomeanCpu: geoCpu,
  results,
  elapsedS: (Date.now() - t0) / 1000,
};
writeFileSync(path.join(outDir, 'frameworks.json'), JSON.stringify(report, null, 2));
console.log(`\nwrote bench/results/frameworks.json (${report.elapsedS.toFixed(0)} s)`);

#!/usr/bin/env node
// CPU profile of one engine on one workload (unminified bundles), to see where the time goes.
//
//   node bench/profile.mjs add-move            # ours
//   node bench/profile.mjs add-move rrweb
//
// Prints the top functions by self time within the timed window (the profiler starts right before it)
// and writes bench/results/<workload>-<engine>.cpuprofile (open it in Chrome DevTools).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROME_FLAGS, findChrome } from '../test/find-chrome.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const dir = path.join(here, 'results', 'build-profile');
const [workload = 'add-move', engine = 'ours'] = process.argv.slice(2);
mkdirSync(dir, { recursive: true });

const entry = existsSync(path.join(root, 'src/capture/index.ts')) ? path.join(root, 'src/capture/index.ts') : null;
const common = { bundle: true, format: 'iife', target: 'es2022', minify: false, keepNames: true, logLevel: 'silent', absWorkingDir: root };
await esbuild.build({ ...common, entryPoints: [path.join(here, 'page/harness.js')], outfile: path.join(dir, 'harness.js') });
await esbuild.build({
  ...common,
  entryPoints: [path.join(here, `page/engine-${engine}.js`)],
  outfile: path.join(dir, `engine-${engine}.js`),
  plugins: [{ name: 'alias', setup: (b) => b.onResolve({ filter: /^cobrowse-capture$/ }, () => ({ path: entry })) }],
});

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname.endsWith('.js')) {
    res.writeHead(200, { 'content-type': 'text/javascript' });
    return res.end(readFileSync(path.join(dir, path.basename(url.pathname))));
  }
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title><script src="/harness.js"></script><script src="/engine-${engine}.js"></script></head><body></body></html>`,
  );
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const browser = await chromium.launch({ executablePath: findChrome(), args: [...CHROME_FLAGS, '--js-flags=--expose-gc'] });
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/bench.html`);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await page.exposeFunction('__benchBeforeWindow', () => cdp.send('Profiler.start'));
  const result = await page.evaluate((w) => window.__bench.run(w), workload);
  const { profile } = await cdp.send('Profiler.stop');
  writeFileSync(path.join(here, 'results', `${workload}-${engine}.cpuprofile`), JSON.stringify(profile));
  const { analysis, ...rest } = result;
  console.log(rest);
  if (analysis) console.log(JSON.stringify(analysis));
  // self time per function
  // only the samples inside the timed window (the profiler starts just before it)
  const dt = new Map();
  let at = profile.startTime;
  const end = profile.startTime + (result.ms + 3) * 1000;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] || 0;
    if (at <= end) dt.set(id, (dt.get(id) || 0) + (profile.timeDeltas[i] || 0));
  });
  const self = new Map();
  let total = 0;
  for (const n of profile.nodes) {
    const t = (dt.get(n.id) || 0) / 1000;
    total += t;
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'}  ${path.basename(f.url || '')}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) || 0) + t);
  }
  console.log(`\nself time in the timed window, top 25 (of ${total.toFixed(0)} ms sampled; window ${result.ms.toFixed(1)} ms):`);
  [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .forEach(([k, t]) => console.log(`${t.toFixed(1).padStart(9)} ms  ${k}`));
} finally {
  await browser.close();
  server.close();
}

// What the bench scripts share: paths, esbuild settings, bundle sizes (min + gzip -9, by package),
// a local page server, launching the local Chromium, timeouts, medians and tables, and failing loudly.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROME_FLAGS, findChrome } from '../test/find-chrome.mjs';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '..');
export const pageDir = path.join(here, 'page');
export const outDir = path.join(here, 'results');
export const buildDir = path.join(outDir, 'build');

/** Two pages (browser contexts) of one Chromium must both run at full speed, though only one is "in front". */
export const BACKGROUND_FLAGS = [
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/** How the page bundles are built: minified, as they would ship. */
export const PAGE_BUILD = {
  bundle: true,
  format: 'iife',
  target: 'es2022',
  minify: true,
  logLevel: 'silent',
  absWorkingDir: root,
  define: { 'process.env.NODE_ENV': '"production"' },
};

export const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
export const kb = (n) => `${(n / 1024).toFixed(1)} K`;

/** Builds `bench/page/<name>.js` into bench/results/build/<name>.js (extra esbuild options merged in). */
export async function buildPage(name, extra = {}) {
  mkdirSync(buildDir, { recursive: true });
  await esbuild.build({
    ...PAGE_BUILD,
    entryPoints: [path.join(pageDir, `${name}.js`)],
    outfile: path.join(buildDir, `${name}.js`),
    ...extra,
  });
}

/** The npm package (or `src/<folder>` etc.) an esbuild input path belongs to, and the file inside it. */
export function contributor(input) {
  const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/);
  if (m) return { area: m[1], file: `${m[1]}/${m[2]}` };
  const file = input.replace(/^build\//, 'src/').replace(/^(\.\.\/)+/, '');
  return {
    area: file.startsWith('src/')
      ? file
          .split('/')
          .slice(0, 2)
          .join('/')
          .replace(/\.[jt]s$/, '')
      : file,
    file,
  };
}

/**
 * One browser bundle (IIFE, minified by esbuild, browser platform) of `entry`, a file or a module's text
 * (resolved from the repository root): its code, minified bytes, min+gzip -9 bytes, and the minified
 * bytes of each contributing file and package (esbuild's metafile).
 */
export async function measureBundle(entry, extra = {}) {
  const input =
    typeof entry === 'string'
      ? { entryPoints: [entry] }
      : { stdin: { contents: entry.contents, resolveDir: entry.resolveDir ?? root, loader: 'js' } };
  const result = await esbuild.build({
    ...input,
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: root,
    ...extra,
  });
  const out = Object.values(result.metafile.outputs)[0];
  const files = new Map();
  const areas = new Map();
  for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
    const { area, file } = contributor(input);
    files.set(file, (files.get(file) ?? 0) + bytesInOutput);
    areas.set(area, (areas.get(area) ?? 0) + bytesInOutput);
  }
  const byBytes = (m) => [...m].sort((a, b) => b[1] - a[1]);
  const code = result.outputFiles[0].contents;
  return { code, min: code.length, gz: gz(code), files: byBytes(files), areas: byBytes(areas) };
}

/**
 * Serves bench/results/build/: `/<name>.js` is the bundle, `/<name>.html` an empty page that loads it.
 * Resolves with the server and its base URL (127.0.0.1, a free port).
 */
export async function servePages() {
  const server = createServer((req, res) => {
    const name = path.basename(new URL(req.url, 'http://x').pathname);
    const m = name.match(/^([a-z0-9-]+)\.(html|js)$/);
    const js = m && path.join(buildDir, `${m[1]}.js`);
    if (!m || !existsSync(js)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': `text/${m[2] === 'js' ? 'javascript' : 'html'}; charset=utf-8`, 'cache-control': 'no-store' });
    if (m[2] === 'js') return res.end(readFileSync(js));
    res.end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${m[1]}</title><script src="/${m[1]}.js"></script></head><body></body></html>`,
    );
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

/** The local Chromium, headless, with the flags the tests use (test/find-chrome.mjs) plus `extra`. */
export function launchChromium(extra = []) {
  return chromium.launch({ executablePath: findChrome(), headless: true, args: [...CHROME_FLAGS, ...extra] });
}

export function chromiumVersion() {
  try {
    return execFileSync(findChrome(), ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'Chromium';
  }
}

/** One line about where the numbers come from: browser, cores, load (a busy machine inflates times). */
export function machineLine(loadBefore) {
  const after = os.loadavg()[0];
  const busy = Math.max(loadBefore, after) > os.cpus().length ? '  !! the machine was busy: times are inflated' : '';
  return `${chromiumVersion()}, node ${process.version}, ${os.cpus().length} cpu, load average (1 min) before/after ${loadBefore.toFixed(1)} / ${after.toFixed(1)}${busy}`;
}

/**
 * Links two pages of one run: whatever page A passes to `window[binding](payload)`, `deliver([fromName,
 * payload])` runs in page B (and the other way), in order per direction. `deliver` is evaluated in the
 * receiving page, so it may only use its argument and the page's globals.
 */
export async function linkPages([nameA, pageA], [nameB, pageB], binding, deliver) {
  const link = (fromName, to) => {
    let chain = Promise.resolve();
    return (_source, payload) => {
      chain = chain.then(() => to.evaluate(deliver, [fromName, payload])).catch(() => {}); // a closed page: the run reports its own failure
    };
  };
  await pageA.exposeBinding(binding, link(nameA, pageB));
  await pageB.exposeBinding(binding, link(nameB, pageA));
}

export function withTimeout(promise, ms, what) {
  let timer;
  const late = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: timeout after ${ms / 1000} s`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** A bench that did not measure what it says: say why on stderr and exit 1 (never print a number). */
export function fail(why) {
  console.error(`\nFAILED: ${why}`);
  process.exit(1);
}

export const median = (xs) => {
  const a = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((p, q) => p - q);
  if (!a.length) return null;
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
};

export const geomean = (xs) => {
  const a = xs.filter((x) => x > 0 && Number.isFinite(x));
  return a.length ? Math.exp(a.reduce((s, x) => s + Math.log(x), 0) / a.length) : null;
};

export const fmtMs = (n) => (n == null ? '-' : n < 10 ? n.toFixed(2) : n.toFixed(1));
export const fmtInt = (n) => (n == null ? '-' : Math.round(n).toLocaleString('en-US'));
export const fmtRatio = (n) => (n == null ? '-' : n.toFixed(3));

/** A plain-text table: first column left-aligned, the others right-aligned. */
export function table(rows, headers) {
  const cells = [headers, ...rows].map((r) => r.map(String));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.slice(1).map(line)].join('\n');
}

/**
 * For `page.addInitScript`: defines `window.benchChat(lib)`, an in-page chat (every message posted
 * to every other member on the next task) whose `join(name)` gives a member's `createChatSignaling`
 * adapter. The benches measure the session, not a network: signaling never leaves the page.
 */
export function inPageChat() {
  window.benchChat = (lib) => {
    const members = new Set();
    let k = 0;
    return (name) => {
      const m = {
        id: `${name}-${++k}`,
        onmessage: null,
        post(text) {
          for (const o of members) if (o !== m) setTimeout(() => o.onmessage?.(m.id, text), 0);
        },
      };
      members.add(m);
      return lib.createChatSignaling(m);
    };
  };
}

/** `--name value` from this process's arguments, or `dflt` (the benches' one option syntax). */
export function opt(name, dflt) {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[i + 1] : dflt;
}

#!/usr/bin/env node
// simple-peer 9.11.1, its maintained fork @thaunknown/simple-peer 10.1.2 (full and lite) and our own
// wrapper (src/transport/peer.ts, with the chunker and sender it imports): each alone in a browser
// bundle, built as bench/size.mjs measures bundles (esbuild, minified IIFE, gzip -9), with the
// polyfills each needs in a browser (simple-peer 9: the `buffer` and `events` packages and a `process`
// global; the fork: `events`). Every bundle is then loaded into headless Chromium and two peers
// connect through it and exchange a message: a bundle that does not work there fails the script.
//
// The libraries are pinned in bench/peer-libs/ (package.json + package-lock.json) and installed there on
// first use with `npm ci --ignore-scripts` (the fork's Node-side native module, node-datachannel, is
// never built: a browser bundle does not contain it).
//
//   node bench/peer-size.mjs [--top 5]    (~10 s; the first run also installs bench/peer-libs, ~5 s)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildPage, fail, here, kb, launchChromium, measureBundle, servePages, table, withTimeout } from './lib.mjs';

const argv = process.argv.slice(2);
const TOP = Number(argv[argv.indexOf('--top') + 1]) || 5;
const libDir = path.join(here, 'peer-libs');

/** Installs the pinned libraries unless the lockfile's install is already there. */
function install() {
  if (existsSync(path.join(libDir, 'node_modules', '.package-lock.json'))) return;
  console.log('installing bench/peer-libs (npm ci --ignore-scripts) ...');
  try {
    execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: libDir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    fail(
      `npm ci in bench/peer-libs failed: ${String(e.stderr ?? e.message)
        .trim()
        .split('\n')
        .slice(-3)
        .join(' | ')}`,
    );
  }
}

install();
const version = (pkg) => JSON.parse(readFileSync(path.join(libDir, 'node_modules', pkg, 'package.json'), 'utf8')).version;

/** simple-peer 9 in a browser: Node's `process` and `global` (Buffer and events are packages it resolves). */
const NODE_GLOBALS = {
  inject: [path.join(libDir, 'process-shim.js')],
  define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' },
};

const LIBS = [
  {
    name: `simple-peer ${version('simple-peer')}`,
    api: 'simple-peer',
    entry: "import Peer from 'simple-peer'; globalThis.Impl = Peer;",
    extra: NODE_GLOBALS,
  },
  {
    name: `@thaunknown/simple-peer ${version('@thaunknown/simple-peer')}`,
    api: 'simple-peer',
    entry: "import Peer from '@thaunknown/simple-peer'; globalThis.Impl = Peer;",
  },
  {
    name: `@thaunknown/simple-peer ${version('@thaunknown/simple-peer')} lite`,
    api: 'simple-peer',
    entry: "import Peer from '@thaunknown/simple-peer/lite.js'; globalThis.Impl = Peer;",
  },
  {
    name: 'ours: src/transport/peer.ts',
    api: 'ours',
    entry: "import { createPeerTransport } from '../../src/transport/peer.ts'; globalThis.Impl = createPeerTransport;",
  },
];

const sizes = [];
for (const lib of LIBS) {
  try {
    sizes.push(
      await measureBundle(
        { contents: lib.entry, resolveDir: libDir },
        { define: { 'process.env.NODE_ENV': '"production"' }, ...lib.extra },
      ),
    );
  } catch (e) {
    fail(
      `${lib.name} did not bundle: ${
        (e.errors ?? [])
          .slice(0, 2)
          .map((x) => `${x.location?.file ?? ''}: ${x.text}`)
          .join('; ') || e.message
      }`,
    );
  }
}

// each bundle must work as built: two peers connect through it and a message goes each way
await buildPage('peer-check');
const { server, base } = await servePages();
const browser = await launchChromium();
try {
  for (const [i, lib] of LIBS.entries()) {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${base}/peer-check.html`);
    const ok = await withTimeout(
      (async () => {
        await page.addScriptTag({ content: Buffer.from(sizes[i].code).toString('utf8') });
        return page.evaluate((api) => window.__peerCheck.run(api), lib.api);
      })(),
      30_000,
      lib.name,
    ).catch((e) =>
      fail(
        `${lib.name}: its bundle did not connect two peers in Chromium: ${String(e.message ?? e).split('\n')[0]}${errors.length ? ` (page: ${errors[0]})` : ''}`,
      ),
    );
    if (ok !== true) fail(`${lib.name}: a message changed on the way between two peers`);
    await page.close();
  }
} finally {
  await browser.close().catch(() => {});
  server.close();
}

console.log('\nPeer-connection libraries alone in a browser bundle (esbuild, minified IIFE, gzip -9), each checked in');
console.log('headless Chromium: two peers connected through the bundle and exchanged a message.\n');
console.log(
  table(
    LIBS.map((lib, i) => [lib.name, kb(sizes[i].gz), kb(sizes[i].min)]),
    ['library', 'min+gz', 'min'],
  ),
);
console.log(`\nlargest parts (minified, before gzip), top ${TOP}:`);
const parts = (s) =>
  s.areas
    .filter(([area]) => area !== '<stdin>')
    .slice(0, TOP)
    .map(([area, bytes]) => `${area} ${kb(bytes)}`)
    .join(', ');
LIBS.forEach((lib, i) => console.log(`  ${lib.name}: ${parts(sizes[i])}`));
process.exit(0);

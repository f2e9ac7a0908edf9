// The package as an app installs it: `npm pack`, then the tarball installed into a scratch app that
// depends on Lit itself, bundled by a real bundler (esbuild) and run in Chromium. Checks what the
// package promises its users (issue 14): one copy of Lit in the app's bundle; the main and the sharer
// entries give one SharingSession; `cobrowse-rtc/viewer` registers <cobrowse-viewer>; importing the
// main entry registers nothing and pulls in no Lit; the sharer core has no Lit; every entry's types
// resolve through the `exports` map. `npm run build` first (test/run.mjs does).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROME_FLAGS, findChrome } from '../find-chrome.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ourLit = JSON.parse(readFileSync(join(root, 'node_modules/lit/package.json'), 'utf8')).version;
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** The app's entry files: what a user writes. */
const APP = {
  // an app with its own Lit element next to both of our entries and the viewer element
  'all.js': `
    import { LitElement, html } from 'lit';
    import { SharingSession, startViewing } from 'cobrowse-rtc';
    import { SharingSession as SharerSession, showConsent } from 'cobrowse-rtc/sharer';
    import { SharingSession as CoreSession } from 'cobrowse-rtc/sharer/core';
    import { CobrowseViewer } from 'cobrowse-rtc/viewer';
    class AppElement extends LitElement { render() { return html\`app\`; } }
    customElements.define('app-element', AppElement);
    window.result = {
      oneSession: SharingSession === SharerSession && SharerSession === CoreSession,
      viewerDefined: customElements.get('cobrowse-viewer') === CobrowseViewer,
      consentDefined: !!customElements.get('cobrowse-consent') && typeof showConsent === 'function',
      litCopies: (globalThis.litElementVersions ?? []).length,
      startViewing: typeof startViewing,
    };`,
  // only the main entry: no element, no Lit
  'main-only.js': `
    import { startSharing, capture } from 'cobrowse-rtc';
    window.result = { defined: ['cobrowse-viewer', 'cobrowse-consent'].filter((t) => customElements.get(t)), api: typeof startSharing + typeof capture };`,
  // the sharer's core: no Lit either
  'core-only.js': `
    import { startSharing } from 'cobrowse-rtc/sharer/core';
    window.result = { api: typeof startSharing };`,
  // types: every entry resolves through the exports map
  'types.ts': `
    import type { SharingSession, ViewingSession, MaskOptions } from 'cobrowse-rtc';
    import type { CobrowseViewer } from 'cobrowse-rtc/viewer';
    import { showConsent, type ConsentViewer } from 'cobrowse-rtc/sharer';
    import type { SharingOptions } from 'cobrowse-rtc/sharer/core';
    import type { ReferenceChat } from 'cobrowse-rtc/reference-server';
    export type All = [SharingSession, ViewingSession, MaskOptions, CobrowseViewer, ConsentViewer, SharingOptions, ReferenceChat];
    export const consent: typeof showConsent = showConsent;`,
};

describe('the npm package in a scratch app', { timeout: 240_000 }, () => {
  let dir;
  let browser;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cb-pack-'));
    const tarball = join(dir, JSON.parse(npm(['pack', '--json', '--pack-destination', dir], root))[0].filename);
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: 'scratch-app',
        private: true,
        type: 'module',
        dependencies: { 'cobrowse-rtc': `file:${tarball}`, lit: `^${ourLit}` },
      }),
    );
    // the registry's packages are in npm's cache after `npm ci`; no network needed
    npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], dir);
    for (const [name, source] of Object.entries(APP)) writeFileSync(join(dir, name), source);
    browser = await chromium.launch({ executablePath: findChrome(), args: CHROME_FLAGS });
  });

  after(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Bundles one app entry as the app's bundler would; returns the code and the files it took in. */
  async function bundle(entry) {
    const out = await build({
      entryPoints: [join(dir, entry)],
      absWorkingDir: dir,
      bundle: true,
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    return { code: out.outputFiles[0].text, inputs: Object.keys(out.metafile.inputs) };
  }

  /** Runs a bundle in a blank Chromium page and returns its `window.result`. */
  async function run(code) {
    const page = await browser.newPage();
    try {
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.setContent('<!doctype html><body></body>');
      await page.addScriptTag({ content: code, type: 'module' });
      await page.waitForFunction(() => window.result !== undefined, null, { timeout: 10_000 });
      assert.deepEqual(errors, []);
      return await page.evaluate(() => window.result);
    } finally {
      await page.close();
    }
  }

  it("installs one Lit: the package resolves the app's copy (no nested node_modules/lit)", () => {
    const tree = JSON.parse(npm(['ls', 'lit', '--all', '--json'], dir));
    const nested = tree.dependencies['cobrowse-rtc'].dependencies?.lit;
    assert.ok(!nested || nested.deduped !== false, `cobrowse-rtc brings its own lit: ${JSON.stringify(nested)}`);
  });

  it('one copy of Lit in the bundle, one SharingSession across entries, both elements registered', async () => {
    const { code, inputs } = await bundle('all.js');
    const litElementCopies = inputs.filter((f) => f.endsWith('lit-element/lit-element.js'));
    assert.equal(litElementCopies.length, 1, `Lit copies bundled: ${litElementCopies.join(', ')}`);
    assert.ok(
      inputs.some((f) => f.includes('node_modules/cobrowse-rtc/dist/chunks/')),
      'the entries share code through chunks',
    );
    assert.deepEqual(await run(code), {
      oneSession: true,
      viewerDefined: true,
      consentDefined: true,
      litCopies: 1,
      startViewing: 'function',
    });
  });

  it('the main entry registers no element and bundles no Lit; the sharer core neither', async () => {
    const main = await bundle('main-only.js');
    assert.deepEqual(
      main.inputs.filter((f) => /node_modules\/(lit|lit-html|lit-element|@lit)\//.test(f)),
      [],
    );
    assert.deepEqual(await run(main.code), { defined: [], api: 'functionfunction' });
    const core = await bundle('core-only.js');
    assert.deepEqual(
      core.inputs.filter((f) => /node_modules\/(lit|lit-html|lit-element|@lit)\//.test(f)),
      [],
    );
    assert.ok(!core.inputs.some((f) => f.includes('mirror')), 'no mirror in the sharer core');
    assert.deepEqual(await run(core.code), { api: 'function' });
  });

  it("the shipped code and declarations import only the package's declared dependencies", () => {
    const pkgDir = join(dir, 'node_modules/cobrowse-rtc');
    const declared = Object.keys(JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).dependencies);
    const find = ['-name', '*.js', '-not', '-path', '*/cdn/*', '-o', '-name', '*.d.ts'];
    const files = execFileSync('find', [join(pkgDir, 'dist'), ...find], { encoding: 'utf8' })
      .trim()
      .split('\n');
    const bare = new Set();
    for (const file of files) {
      // import/export statements (rollup's output keeps one a line) and import('…') types
      for (const [, a, b] of readFileSync(file, 'utf8').matchAll(
        /^\s*(?:import|export)\b[^'"]*?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm,
      )) {
        const spec = a ?? b;
        if (spec.startsWith('.')) continue;
        bare.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
      }
    }
    assert.deepEqual(
      [...bare].filter((d) => !declared.includes(d)),
      [],
      `undeclared packages imported (declared: ${declared.join(', ')})`,
    );
  });

  it("every entry's types resolve through the exports map (tsc, moduleResolution bundler)", () => {
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const args = [
      tsc,
      '--noEmit',
      '--strict',
      '--module',
      'esnext',
      '--moduleResolution',
      'bundler',
      '--target',
      'es2022',
      '--lib',
      'es2022,dom,dom.iterable',
      '--skipLibCheck',
      'false',
      join(dir, 'types.ts'),
    ];
    try {
      execFileSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
    } catch (err) {
      assert.fail(`tsc failed:\n${err.stdout}`);
    }
  });
});

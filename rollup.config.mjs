// Bundles from the compiled ESM in build/ (tsc writes it, see `npm run build`). Four kinds:
//
//   dist/<entry>.js + dist/chunks/   ESM for npm users and their bundlers: the package's
//                                    `dependencies` (lit, fflate, tweetnacl) stay imports, so the app's
//                                    bundler dedupes them with its own copies, and code shared by two
//                                    entries lives in one chunk (importing `cobrowse-rtc` and
//                                    `cobrowse-rtc/sharer` together gives one SharingSession).
//   dist/<entry>.d.ts + dist/types/  their declarations, chunked the same way.
//   dist/cdn/<entry>.js              the same entries self-contained (dependencies inlined, chunks
//                                    shared, minified) for <script type="module"> from a CDN with no
//                                    bundler and no import map: what the demo pages load.
//   dist/<entry>.iife.js             one classic <script> tag each, everything inlined, minified:
//                                    cobrowse-rtc (global CobrowseRTC: the main entry + <cobrowse-viewer>),
//                                    -sharer and -sharer-core (CobrowseSharer), -reference-server (CobrowseReferenceServer).
//
// Entries: cobrowse-rtc (src/index.ts), -viewer, -sharer, -sharer-core, -reference-server.
// `node bench/size.mjs` measures them all.
import { readFileSync } from 'node:fs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';
import MagicString from 'magic-string';

// nodeResolve's `ignoreSideEffectsForRoot`: package.json's `sideEffects` lists the dist/ files that
// register elements, for the app's bundler; our own build from build/ must not read it (it would drop
// a re-exported module's registration from the joined IIFE).

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const dependencies = Object.keys(pkg.dependencies);
/** A bare import of a dependency (or a subpath, `lit/decorators.js`): left to the app's bundler. */
const isDependency = (id) => dependencies.some((d) => id === d || id.startsWith(`${d}/`));

const entries = {
  'cobrowse-rtc': 'build/index.js',
  'cobrowse-rtc-viewer': 'build/viewer.js',
  'cobrowse-rtc-sharer': 'build/sharer.js',
  'cobrowse-rtc-sharer-core': 'build/sharer-core.js',
  'cobrowse-rtc-reference-server': 'build/reference-server.js',
};

/** A module made of `export *` lines, for an IIFE that joins two entries (main + the viewer element). */
function joined(name, modules) {
  const id = `\0joined:${name}`;
  return {
    input: id,
    plugin: {
      name: 'joined-entry',
      resolveId: (source) => (source === id ? id : null),
      load: (source) =>
        source === id ? modules.map((m) => `export * from ${JSON.stringify(new URL(m, import.meta.url).pathname)};`).join('\n') : null,
    },
  };
}

/**
 * tweetnacl is CommonJS. Its only `require` is Node's `crypto`, on a path browsers never take (they
 * have `self.crypto`): `ignore` leaves it out, and `ignoreDynamicRequires` drops the plugin's
 * "could not dynamically require" helper and its long message from every bundle (0.3 KB min+gz).
 */
const cjsOptions = { ignore: ['crypto'], ignoreDynamicRequires: true };

/**
 * tweetnacl is one CommonJS closure that hangs its whole API on `nacl`, so no bundler can drop any of
 * it: its Ed25519 signatures (`nacl.sign*`) and `nacl.lowlevel` (which names every internal function,
 * keeping them all alive) ship although src/secure/ never calls them. Before the bundles that inline
 * it, this removes those assignments from its source (nothing else is changed); terser then drops
 * the code only they reached: -1.9 KB min+gz on the sharer core. The npm ESM leaves tweetnacl to
 * the app's bundler, whole. The build fails if our code names a removed member (it would be
 * undefined there) or if tweetnacl no longer has the shape this expects (an update is looked at).
 */
function tweetnaclUnused() {
  const unused = /^nacl\.(lowlevel|sign|verify|box\.(before|after|open))\b/;
  const named = new Set();
  return {
    name: 'tweetnacl-unused',
    transform(code, id) {
      if (!/[\\/]tweetnacl[\\/]nacl-fast\.js$/.test(id)) {
        for (const [name] of code.matchAll(/\bnacl\.[\w.]+/g)) named.add(name);
        return null;
      }
      // (function(nacl) { ...; nacl.x = ...; ... })(module.exports ...)
      const statements = this.parse(code).body[0]?.expression?.callee?.body?.body ?? [];
      const out = new MagicString(code);
      const removed = new Set();
      for (const { type, expression: e, start, end } of statements) {
        if (type !== 'ExpressionStatement' || e.type !== 'AssignmentExpression') continue;
        const name = code.slice(e.left.start, e.left.end);
        if (unused.test(name)) (out.remove(start, end), removed.add(name));
      }
      if (!removed.has('nacl.lowlevel') || !removed.has('nacl.sign'))
        this.error('tweetnacl changed shape: nacl.lowlevel or nacl.sign not found');
      return { code: out.toString(), map: out.generateMap({ hires: true }) };
    },
    buildEnd() {
      for (const name of named) if (unused.test(name)) this.error(`${name} is used, but tweetnaclUnused() removes it`);
    },
  };
}

/**
 * Minified output: two compress passes (a few hundred bytes on the sharer's core), modern syntax kept,
 * and ASCII only (`ascii_only` writes `\u30aa` for `オ`): a classic script is decoded with the PAGE's
 * encoding unless the server says `charset=utf-8`, and many do not. On a Shift_JIS page a raw UTF-8
 * Japanese string would show as mojibake, on a windows-1252 page the mask `•` as `â€¢`.
 */
// pure_getters: a property read whose value is unused may go. Nothing here reads a property for its
// side effect (no `void el.offsetWidth` reflows: safe-dom.ts calls getters explicitly); −0.15 KB on
// the sharer core, which sits at its 40 KB budget.
const minify = () => terser({ ecma: 2020, compress: { passes: 2, pure_getters: true }, format: { ascii_only: true } });

/** The same for the unminified npm ESM: every non-ASCII UTF-16 unit becomes `\uXXXX` (valid in strings, templates, regexes and comments). */
function asciiOnly() {
  return {
    name: 'ascii-only',
    renderChunk(code) {
      if (!/[^\0-\x7f]/.test(code)) return null;
      const out = new MagicString(code);
      for (const m of code.matchAll(/[^\0-\x7f]/g)) {
        out.overwrite(m.index, m.index + 1, `\\u${m[0].charCodeAt(0).toString(16).padStart(4, '0')}`);
      }
      return { code: out.toString(), map: out.generateMap({ hires: true }) };
    },
  };
}

const esm = (dir, inline) => ({
  input: entries,
  external: inline ? [] : isDependency,
  plugins: [
    nodeResolve({ browser: true, ignoreSideEffectsForRoot: true }),
    ...(inline ? [tweetnaclUnused(), commonjs(cjsOptions), minify()] : [asciiOnly()]),
  ],
  output: { dir, format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: true },
});

function iife(file, name, input, extra = []) {
  return {
    input,
    plugins: [...extra, nodeResolve({ browser: true, ignoreSideEffectsForRoot: true }), tweetnaclUnused(), commonjs(cjsOptions), minify()],
    output: { file: `dist/${file}`, format: 'iife', name, sourcemap: true },
  };
}

const full = joined('cobrowse-rtc', ['build/index.js', 'build/viewer.js']);

export default [
  esm('dist', false),
  esm('dist/cdn', true),
  iife('cobrowse-rtc.iife.js', 'CobrowseRTC', full.input, [full.plugin]),
  iife('cobrowse-rtc-sharer.iife.js', 'CobrowseSharer', entries['cobrowse-rtc-sharer']),
  iife('cobrowse-rtc-sharer-core.iife.js', 'CobrowseSharer', entries['cobrowse-rtc-sharer-core']),
  iife('cobrowse-rtc-reference-server.iife.js', 'CobrowseReferenceServer', entries['cobrowse-rtc-reference-server']),
  {
    input: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, file.replace(/\.js$/, '.d.ts')])),
    plugins: [dts()],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].d.ts', chunkFileNames: 'types/[name]-[hash].d.ts' },
  },
];

// Bundles from the compiled ESM in build/ (tsc writes it, see `npm run build`):
//   dist/cobrowse-rtc.js       ESM for bundlers and <script type=module>, with dist/cobrowse-rtc.d.ts
//   dist/cobrowse-rtc.iife.js  minified, one classic <script> tag, global `CobrowseRTC`, same exports
//   dist/cobrowse-rtc-sharer.js, dist/cobrowse-rtc-sharer.iife.js (global `CobrowseSharer`): the
//     customer's side only (src/sharer.ts: session, chat signaling, sharer elements; no mirror),
//     with dist/cobrowse-rtc-sharer.d.ts.
//   dist/cobrowse-rtc-sharer-core.js, dist/cobrowse-rtc-sharer-core.iife.js (global `CobrowseSharer`):
//     the same without the elements and Lit (src/sharer-core.ts), for sites with their own consent UI.
//   `node bench/size.mjs` measures them all.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';

const input = 'build/index.js';

export default [
  {
    input,
    plugins: [nodeResolve({ browser: true }), commonjs()],
    output: { file: 'dist/cobrowse-rtc.js', format: 'es', sourcemap: true },
  },
  {
    input,
    plugins: [nodeResolve({ browser: true }), commonjs(), terser()],
    output: { file: 'dist/cobrowse-rtc.iife.js', format: 'iife', name: 'CobrowseRTC', sourcemap: true },
  },
  {
    input: 'build/sharer.js',
    plugins: [nodeResolve({ browser: true }), commonjs()],
    output: { file: 'dist/cobrowse-rtc-sharer.js', format: 'es', sourcemap: true },
  },
  {
    input: 'build/sharer.js',
    plugins: [nodeResolve({ browser: true }), commonjs(), terser()],
    output: { file: 'dist/cobrowse-rtc-sharer.iife.js', format: 'iife', name: 'CobrowseSharer', sourcemap: true },
  },
  {
    input: 'build/sharer-core.js',
    plugins: [nodeResolve({ browser: true }), commonjs()],
    output: { file: 'dist/cobrowse-rtc-sharer-core.js', format: 'es', sourcemap: true },
  },
  {
    input: 'build/sharer-core.js',
    plugins: [nodeResolve({ browser: true }), commonjs(), terser()],
    output: { file: 'dist/cobrowse-rtc-sharer-core.iife.js', format: 'iife', name: 'CobrowseSharer', sourcemap: true },
  },
  {
    input: 'build/sharer-core.d.ts',
    plugins: [dts()],
    output: { file: 'dist/cobrowse-rtc-sharer-core.d.ts', format: 'es' },
  },
  {
    input: 'build/sharer.d.ts',
    plugins: [dts()],
    output: { file: 'dist/cobrowse-rtc-sharer.d.ts', format: 'es' },
  },
  {
    input: 'build/index.d.ts',
    plugins: [dts()],
    output: { file: 'dist/cobrowse-rtc.d.ts', format: 'es' },
  },
];

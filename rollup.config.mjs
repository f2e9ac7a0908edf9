// Two bundles from the compiled ESM in build/ (tsc writes it, see `npm run build`):
//   dist/cobrowse-rtc.js       ESM for bundlers and <script type=module>, with dist/cobrowse-rtc.d.ts
//   dist/cobrowse-rtc.iife.js  minified, one classic <script> tag, global `CobrowseRTC`, same exports
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
    input: 'build/index.d.ts',
    plugins: [dts()],
    output: { file: 'dist/cobrowse-rtc.d.ts', format: 'es' },
  },
];

// The wtr dev server serves files as they are, so a CommonJS package (tweetnacl, simple-peer) cannot
// be imported by a test. This plugin answers such bare imports with an esbuild ESM bundle of the
// package (default export = module.exports), built once per run — as rollup's commonjs plugin does
// for dist/.
import { build } from 'esbuild';

const PREFIX = '/__cjs/';

/** @param {string[]} packages bare specifiers to bundle */
export function commonJsPlugin(packages) {
  const cache = new Map();
  return {
    name: 'cobrowse-cjs',
    resolveImport({ source }) {
      if (packages.includes(source)) return `${PREFIX}${encodeURIComponent(source)}.js`;
    },
    async serve(context) {
      if (!context.path.startsWith(PREFIX)) return;
      const name = decodeURIComponent(context.path.slice(PREFIX.length, -3));
      if (!packages.includes(name)) return;
      if (!cache.has(name)) {
        cache.set(
          name,
          build({
            stdin: { contents: `import m from ${JSON.stringify(name)}; export default m;`, resolveDir: process.cwd() },
            bundle: true,
            format: 'esm',
            platform: 'browser',
            write: false,
            define: { global: 'globalThis' },
          }).then((r) => r.outputFiles[0].text),
        );
      }
      return { body: await cache.get(name), type: 'js' };
    },
  };
}

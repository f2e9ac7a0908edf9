// Sizes of every dist bundle (raw / minified / minified+gzip) and, per entry, what is inside:
// the biggest contributors by minified bytes (esbuild's metafile over the same build/ input, grouped
// by package or source folder). `npm run build` first. Usage: node bench/size.mjs [--top N] [--json]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build, transform } from 'esbuild';

const args = process.argv.slice(2);
const top = Number(args[args.indexOf('--top') + 1]) || 12;
const json = args.includes('--json');
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} K`;

const rows = [];
for (const file of readdirSync('dist').filter((f) => f.endsWith('.js')).sort()) {
  const raw = readFileSync(`dist/${file}`);
  // the ESM files are not minified by the build: minify them the same way for comparison
  const min = file.includes('.iife.') ? raw : Buffer.from((await transform(raw.toString(), { minify: true, format: 'esm' })).code);
  rows.push({ file, raw: raw.length, min: min.length, gz: gz(min) });
}

/** Minified bytes per contributor (package, or src/ folder) for one entry, via esbuild's metafile. */
async function contributors(entry) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const out = Object.values(result.metafile.outputs)[0];
  const groups = new Map();
  for (const [path, { bytesInOutput }] of Object.entries(out.inputs)) {
    const m = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/);
    const key = m ? `${m[1]}/${m[2]}` : path.replace(/^build\//, 'src/');
    groups.set(key, (groups.get(key) ?? 0) + bytesInOutput);
  }
  const total = out.bytes;
  const code = result.outputFiles[0].contents;
  return { total, gz: gz(code), list: [...groups].sort((a, b) => b[1] - a[1]) };
}

/** The same, summed by area: a package, or the first folder under src/. */
function byArea(list) {
  const areas = new Map();
  for (const [key, bytes] of list) {
    const area = key.startsWith('src/') ? key.split('/').slice(0, 2).join('/').replace(/\.js$/, '') : key.split('/')[0].startsWith('@') ? key.split('/').slice(0, 2).join('/') : key.split('/')[0];
    areas.set(area, (areas.get(area) ?? 0) + bytes);
  }
  return [...areas].sort((a, b) => b[1] - a[1]);
}

const entries = [
  ['full (src/index.ts)', 'build/index.js'],
  ['sharer (src/sharer.ts)', 'build/sharer.js'],
  ['sharer core (src/sharer-core.ts)', 'build/sharer-core.js'],
];
const report = { bundles: rows, entries: [] };
for (const [name, entry] of entries) {
  try {
    statSync(entry);
  } catch {
    continue;
  }
  const c = await contributors(entry);
  report.entries.push({ name, ...c, areas: byArea(c.list) });
}

if (json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  console.log('bundle                              raw        min     min+gz');
  for (const r of rows) console.log(`${r.file.padEnd(32)} ${kb(r.raw).padStart(9)} ${kb(r.min).padStart(9)} ${kb(r.gz).padStart(9)}`);
  for (const e of report.entries) {
    console.log(`\n${e.name}: esbuild min ${kb(e.total)}, min+gz ${kb(e.gz)}\n  by area (min):`);
    for (const [area, bytes] of e.areas) console.log(`    ${area.padEnd(34)} ${kb(bytes).padStart(9)} ${((100 * bytes) / e.total).toFixed(1).padStart(5)}%`);
    console.log(`  top ${top} files (min):`);
    for (const [file, bytes] of e.list.slice(0, top)) console.log(`    ${file.padEnd(50)} ${kb(bytes).padStart(9)}`);
  }
}

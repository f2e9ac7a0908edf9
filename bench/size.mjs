// Sizes of every dist bundle (raw / minified / minified+gzip) and, per entry, what is inside:
// the biggest contributors by minified bytes (esbuild's metafile over the same build/ input, grouped
// by package or source folder). `npm run build` first. Usage: node bench/size.mjs [--top N] [--json]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { transform } from 'esbuild';
import { gz, kb, measureBundle } from './lib.mjs';

const args = process.argv.slice(2);
const top = Number(args[args.indexOf('--top') + 1]) || 12;
const json = args.includes('--json');

const rows = [];
for (const file of readdirSync('dist')
  .filter((f) => f.endsWith('.js'))
  .sort()) {
  const raw = readFileSync(`dist/${file}`);
  // the ESM files are not minified by the build: minify them the same way for comparison
  const min = file.includes('.iife.') ? raw : Buffer.from((await transform(raw.toString(), { minify: true, format: 'esm' })).code);
  rows.push({ file, raw: raw.length, min: min.length, gz: gz(min) });
}

/** Minified bytes per contributor (file, and area: a package or a src/ folder) for one entry, via esbuild's metafile. */
async function contributors(entry) {
  const b = await measureBundle(entry, { target: 'esnext' });
  return { total: b.min, gz: b.gz, list: b.files, areas: b.areas };
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
  report.entries.push({ name, ...c });
}

if (json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  console.log('bundle                              raw        min     min+gz');
  for (const r of rows) console.log(`${r.file.padEnd(32)} ${kb(r.raw).padStart(9)} ${kb(r.min).padStart(9)} ${kb(r.gz).padStart(9)}`);
  for (const e of report.entries) {
    console.log(`\n${e.name}: esbuild min ${kb(e.total)}, min+gz ${kb(e.gz)}\n  by area (min):`);
    for (const [area, bytes] of e.areas)
      console.log(`    ${area.padEnd(34)} ${kb(bytes).padStart(9)} ${((100 * bytes) / e.total).toFixed(1).padStart(5)}%`);
    console.log(`  top ${top} files (min):`);
    for (const [file, bytes] of e.list.slice(0, top)) console.log(`    ${file.padEnd(50)} ${kb(bytes).padStart(9)}`);
  }
}

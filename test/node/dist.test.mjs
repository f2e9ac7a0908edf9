// What dist/ ships, checked on the built files (`npm test` builds dist/ first): the sharer core's size
// budget (bytes, not time: deterministic for one source tree, so a test and not a benchmark; how the
// bytes were found: docs/decisions.md, "The crypto dependency"), no fflate on the customer's page,
// and ASCII only (test/bundle-charset.test.ts shows why, on Shift_JIS and windows-1252 pages).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const root = new URL('../../', import.meta.url);
const read = (file) => readFileSync(new URL(`dist/${file}`, root));
/** min+gz as docs/benchmarks.md and bench/size.mjs report it: gzip -9, KiB. */
const minGzKiB = (file) => gzipSync(read(file), { level: 9 }).length / 1024;

test('the sharer core (everything inlined) stays within 40 KB min+gz', () => {
  const size = minGzKiB('cobrowse-rtc-sharer-core.iife.js');
  assert.ok(size <= 40, `cobrowse-rtc-sharer-core.iife.js is ${size.toFixed(1)} KB min+gz, over its 40 KB budget`);
});

test("fflate is not on the customer's page: the sharer compresses with its own encoder", () => {
  // fflate's error table, which its deflater and inflater share, says 'invalid block type'
  for (const file of ['cobrowse-rtc-sharer-core.iife.js', 'cobrowse-rtc-sharer.iife.js']) {
    const code = read(file).toString();
    assert.ok(!code.includes('invalid block type'), `${file} contains fflate's inflater`);
  }
  assert.ok(read('cobrowse-rtc.iife.js').toString().includes('invalid block type'), 'the viewer bundle inflates with fflate');
});

test('every shipped script is ASCII: a page in any encoding decodes it the same', () => {
  const scripts = readdirSync(new URL('dist/', root), { recursive: true }).filter((f) => f.endsWith('.js'));
  assert.ok(scripts.length >= 10, `found ${scripts.length} scripts in dist/`);
  for (const file of scripts) {
    const bytes = read(file);
    const at = bytes.findIndex((b) => b > 0x7f);
    assert.equal(
      at,
      -1,
      `${file}: byte 0x${bytes[at]?.toString(16)} at ${at}: ${bytes.subarray(Math.max(0, at - 40), at + 10).toString()}`,
    );
  }
});

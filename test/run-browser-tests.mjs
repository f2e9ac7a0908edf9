// `npm test`: the browser suite in real Chromium (web-test-runner), then a plain summary line.
// Extra arguments are passed to web-test-runner (e.g. `npm test -- --files test/mirror.test.ts`).
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { findChrome } from './find-chrome.mjs';

findChrome(); // fails early with instructions when there is no browser

// the bundle tests and the early-start fixture load dist/: build it first
if (process.env.SKIP_BUILD !== '1') {
  const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  if (build.status !== 0) {
    console.log('the build failed\n0 passed, 1 failed');
    process.exit(1);
  }
}
// one counts file per run: several runs may share the folder
const countFile = `test-results/browser-${process.pid}.json`;
rmSync(countFile, { force: true });
const run = spawnSync('npx', ['web-test-runner', '--config', 'web-test-runner.config.mjs', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, WTR_COUNT_FILE: countFile },
});
let counts = { passed: 0, failed: 1, skipped: 0, failedFiles: ['(web-test-runner did not finish)'] };
try {
  counts = JSON.parse(readFileSync(countFile, 'utf8'));
  rmSync(countFile, { force: true });
} catch {}
if (counts.failedFiles.length) console.log(`failed:\n  ${counts.failedFiles.join('\n  ')}`);
if (run.status !== 0 && counts.failed === 0) counts.failed = 1; // the runner itself failed
console.log(`${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
process.exit(counts.failed > 0 ? 1 : 0);

// `npm test`: every suite, then one plain summary line "N passed, N failed".
//   browser — web-test-runner in real Chromium, Firefox and WebKit (capture, mirror, protocol, secure,
//             transport, session, elements); WTR_BROWSERS=chromium picks one engine (test/launchers/)
//   node    — node:test: the signaling server (server/test), Node-side peers (test/node) and the
//             end-to-end tests that drive two Chromium contexts through the real server (test/e2e)
// `node test/run.mjs browser` or `node test/run.mjs node` runs one; extra arguments after `--` go to
// web-test-runner (e.g. `node test/run.mjs browser -- --files test/mirror.test.ts`).
// `node test/run.mjs hard` (npm run test:hard) runs the hardening suite in test/hardening/ instead:
// its browser files (*.test.ts) in web-test-runner and its node files (*.test.mjs) with node:test.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { findChrome } from './find-chrome.mjs';
import { browsersFromEnv } from './launchers/index.mjs';

const args = process.argv.slice(2);
const dash = args.indexOf('--');
const suites = (dash < 0 ? args : args.slice(0, dash)).filter((a) => a === 'browser' || a === 'node' || a === 'hard');
const hard = suites.includes('hard');
const wtrArgs = dash < 0 ? [] : args.slice(dash + 1);
const run = hard ? ['browser', 'node'] : suites.length ? suites : ['browser', 'node'];

findChrome(); // fails early with instructions when there is no browser (the node suite's e2e tests use it too)
// the hardening suite's browser files are checked in Chromium only unless WTR_BROWSERS says otherwise
if (hard && !process.env.WTR_BROWSERS) process.env.WTR_BROWSERS = 'chromium';
// every engine asked for must be there: a missing one fails here, loudly, with its apt-get line
if (run.includes('browser')) {
  const missing = () => console.log('a browser engine is missing (see above)\n0 passed, 1 failed');
  process.once('exit', missing); // find.mjs exits with the install line; CI still gets its summary line
  browsersFromEnv();
  process.off('exit', missing);
}

// the bundle tests, the early-start fixture and the end-to-end pages load dist/: build it first
if (process.env.SKIP_BUILD !== '1') {
  const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  if (build.status !== 0) {
    console.log('the build failed\n0 passed, 1 failed');
    process.exit(1);
  }
}
mkdirSync('test-results', { recursive: true });
const total = { passed: 0, failed: 0, skipped: 0, failedNames: [], skippedNames: [] };

if (run.includes('browser')) {
  // one counts file per run: several runs may share the folder
  const countFile = `test-results/browser-${process.pid}.json`;
  rmSync(countFile, { force: true });
  const hardFiles = hard
    ? readdirSync('test/hardening')
        .filter((f) => f.endsWith('.test.ts'))
        .map((f) => `test/hardening/${f}`)
    : [];
  const wtr =
    hard && !hardFiles.length
      ? { status: 0, skipped: true }
      : spawnSync('npx', ['web-test-runner', '--config', 'web-test-runner.config.mjs', ...wtrArgs], {
          stdio: 'inherit',
          env: { ...process.env, WTR_COUNT_FILE: countFile, ...(hard && { WTR_FILES: hardFiles.join(',') }) },
        });
  let counts = wtr.skipped
    ? { passed: 0, failed: 0, skipped: 0, failedFiles: [] }
    : { passed: 0, failed: 1, skipped: 0, failedFiles: ['(web-test-runner did not finish)'] };
  try {
    counts = JSON.parse(readFileSync(countFile, 'utf8'));
    rmSync(countFile, { force: true });
  } catch {
    /* the file is only there when the run wrote one */
  }
  if (wtr.status !== 0 && counts.failed === 0) {
    counts.failed = 1; // the runner itself failed
    counts.failedFiles.push('(web-test-runner exited with an error)');
  }
  add(counts.passed, counts.failed, counts.skipped, counts.failedFiles);
  total.skippedNames.push(...(counts.skippedNames ?? []));
}

if (run.includes('node')) {
  const dirs = (hard ? ['test/hardening'] : ['server/test', 'test/node', 'test/e2e']).filter((d) => existsSync(d));
  const tap = `test-results/node-${process.pid}.tap`;
  const node = spawnSync(
    process.execPath,
    [
      '--test',
      '--test-concurrency=1',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...dirs,
    ],
    { stdio: 'inherit' },
  );
  let text = '';
  try {
    text = readFileSync(tap, 'utf8');
    rmSync(tap, { force: true });
  } catch {
    /* the file is only there when the run wrote one */
  }
  const count = (name) => Number(text.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
  const failedNames = [...text.matchAll(/^\s*not ok \d+ - (.*)$/gm)].map((m) => m[1]);
  // skips are named in the summary: a skipped check must be seen, not just counted
  total.skippedNames.push(...[...text.matchAll(/^\s*ok \d+ - (.*?) # SKIP\b ?(.*)$/gm)].map((m) => (m[2] ? `${m[1]} (${m[2]})` : m[1])));
  let failed = count('fail') + count('cancelled');
  if (node.status !== 0 && failed === 0) {
    failed = 1;
    failedNames.push('(node --test exited with an error)');
  }
  add(count('pass'), failed, count('skipped') + count('todo'), failedNames);
}

if (total.skippedNames.length) console.log(`skipped:\n  ${total.skippedNames.join('\n  ')}`);
if (total.failedNames.length) console.log(`failed:\n  ${total.failedNames.join('\n  ')}`);
console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(total.failed > 0 ? 1 : 0);

function add(passed, failed, skipped, names) {
  total.passed += passed;
  total.failed += failed;
  total.skipped += skipped;
  total.failedNames.push(...names);
}

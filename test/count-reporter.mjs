// A web-test-runner reporter that counts individual tests (not files) and writes them to
// test-results/ (WTR_COUNT_FILE), so test/run.mjs can print a plain "N passed, N failed" line.
import { mkdirSync, writeFileSync } from 'node:fs';

export function countReporter(file = process.env.WTR_COUNT_FILE ?? 'test-results/browser.json') {
  return {
    onTestRunFinished({ sessions }) {
      const counts = { passed: 0, failed: 0, skipped: 0, failedFiles: [] };
      for (const session of sessions) {
        if (!session.passed && (session.errors?.length ?? 0) > 0) {
          counts.failed += 1; // a file that failed to load or crashed counts once
          counts.failedFiles.push(session.testFile);
        }
        walk(session.testResults, counts, session.testFile);
      }
      mkdirSync('test-results', { recursive: true });
      writeFileSync(file, JSON.stringify(counts, null, 2));
    },
  };
}

function walk(suite, counts, file) {
  if (!suite) return;
  for (const test of suite.tests ?? []) {
    if (test.skipped) counts.skipped += 1;
    else if (test.passed) counts.passed += 1;
    else {
      counts.failed += 1;
      counts.failedFiles.push(`${file} › ${test.name}`);
    }
  }
  for (const child of suite.suites ?? []) walk(child, counts, file);
}

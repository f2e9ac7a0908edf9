// A web-test-runner reporter that counts individual tests (not files) and writes them to
// test-results/ (WTR_COUNT_FILE), so test/run.mjs can print a plain "N passed, N failed" line.
import { mkdirSync, writeFileSync } from 'node:fs';

export function countReporter(file = process.env.WTR_COUNT_FILE ?? 'test-results/browser.json') {
  return {
    onTestRunFinished({ sessions }) {
      const counts = { passed: 0, failed: 0, skipped: 0, failedFiles: [], skippedNames: [] };
      // with several engines (WTR_BROWSERS) each name says which one it ran in
      const engines = new Set(sessions.map((s) => s.browser.name));
      for (const session of sessions) {
        const label = engines.size > 1 ? `[${session.browser.name}] ${session.testFile}` : session.testFile;
        if (!session.passed && (session.errors?.length ?? 0) > 0) {
          counts.failed += 1; // a file that failed to load or crashed counts once
          counts.failedFiles.push(label);
        }
        walk(session.testResults, counts, label);
      }
      mkdirSync('test-results', { recursive: true });
      writeFileSync(file, JSON.stringify(counts, null, 2));
    },
  };
}

function walk(suite, counts, file) {
  if (!suite) return;
  for (const test of suite.tests ?? []) {
    if (test.skipped) {
      // skips are named in the summary (the name carries the reason): a skipped check must be seen
      counts.skipped += 1;
      counts.skippedNames.push(`${file} › ${test.name}`);
    } else if (test.passed) counts.passed += 1;
    else {
      counts.failed += 1;
      counts.failedFiles.push(`${file} › ${test.name}`);
    }
  }
  for (const child of suite.suites ?? []) walk(child, counts, file);
}

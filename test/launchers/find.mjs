// Finds a browser (or driver) binary for the test runner, the way test/find-chrome.mjs finds Chromium:
// an environment variable first, then the usual install places. npm cannot download browsers on every
// machine, so the engines are always the system's own; a missing one stops the run with the install line.
import { existsSync } from 'node:fs';

/**
 * @param {{ what: string, env: string, candidates: string[], install: string }} spec
 * @returns {string} the first existing path
 */
export function findBinary({ what, env, candidates, install }) {
  const fromEnv = process.env[env];
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    fail(`${env} is set to ${fromEnv}, but no file is there.`, what, env, install);
  }
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  fail(`No ${what} found (looked in ${candidates.join(', ')}).`, what, env, install);
}

function fail(why, what, env, install) {
  console.error(
    `\n${why}\nThe browser tests asked for ${what} (WTR_BROWSERS=${process.env.WTR_BROWSERS || 'chromium,firefox,webkit, the default'}). Install it, then run again:\n` +
      `  Debian/Ubuntu:  ${install}\n` +
      `or point ${env} at it:  ${env}=/path/to/binary npm test\n`,
  );
  process.exit(2);
}

// Which engines run the browser tests: WTR_BROWSERS=chromium,firefox,webkit (the default: all three, what
// `npm test` and CI run; WTR_BROWSERS=chromium for a quick local run). Each engine is the system's own
// browser, found on disk; a missing one stops the run with its install line (find.mjs).
import { chromeLauncher } from '@web/test-runner-chrome';
import { findChrome, CHROME_FLAGS } from '../find-chrome.mjs';
import { firefoxLauncher } from './firefox.mjs';
import { webkitLauncher } from './webkit.mjs';

const LAUNCHERS = {
  chromium: () => chromeLauncher({ launchOptions: { executablePath: findChrome(), headless: true, args: CHROME_FLAGS } }),
  firefox: firefoxLauncher,
  webkit: webkitLauncher,
};

export const DEFAULT_ENGINES = 'chromium,firefox,webkit';

export function browsersFromEnv(value = process.env.WTR_BROWSERS || DEFAULT_ENGINES) {
  const names = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const unknown = names.filter((n) => !(n in LAUNCHERS));
  if (unknown.length) {
    console.error(`WTR_BROWSERS: unknown engine ${unknown.join(', ')} (known: ${Object.keys(LAUNCHERS).join(', ')})`);
    process.exit(2);
  }
  return [...new Set(names)].map((n) => LAUNCHERS[n]());
}

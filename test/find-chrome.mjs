// Finds a local Chrome/Chromium for the browser tests and benchmarks. npm cannot download browsers on
// every machine, so we never rely on a bundled one: CHROME_PATH first, then the usual install places.
import { existsSync } from 'node:fs';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
];

/** Flags that work as root, in containers and on machines without network access. */
export const CHROME_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

export function findChrome() {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    fail(`CHROME_PATH is set to ${fromEnv}, but no file is there.`);
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  fail('No Chrome or Chromium found.');
}

function fail(why) {
  console.error(
    `\n${why}\nThe tests run in a real browser. Install one, then run again:\n` +
      '  Debian/Ubuntu:  sudo apt-get install -y chromium\n' +
      '  macOS:          install Google Chrome from google.com/chrome\n' +
      'or point CHROME_PATH at any Chrome/Chromium binary:  CHROME_PATH=/path/to/chrome npm test\n',
  );
  process.exit(2);
}

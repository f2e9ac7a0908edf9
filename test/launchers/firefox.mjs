// Firefox for the browser tests: Debian's firefox-esr, driven headless over WebDriver BiDi by the
// puppeteer-core that @web/test-runner-chrome already brings (puppeteer speaks BiDi to Firefox, so the
// chrome launcher works once it is handed puppeteer-core and `browser: 'firefox'`). No browser download.
import { chromeLauncher, puppeteerCore } from '@web/test-runner-chrome';
import { findBinary } from './find.mjs';

export function findFirefox() {
  return findBinary({
    what: 'Firefox',
    env: 'FIREFOX_PATH',
    candidates: ['/usr/bin/firefox-esr', '/usr/bin/firefox', '/Applications/Firefox.app/Contents/MacOS/firefox'],
    install: 'sudo apt-get install -y firefox-esr',
  });
}

/** Preferences that make Firefox behave like our Chromium flags: no first-run noise, real host ICE candidates. */
export const FIREFOX_PREFS = {
  // the WebRTC tests connect peers on this machine with host candidates only: Firefox hides the
  // host address behind an mDNS name by default (Chromium's WebRtcHideLocalIpsWithMdns, off there too)
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  // a test page is never a tab in the background: keep timers and rAF at full rate
  'dom.min_background_timeout_value': 0,
  // headless Chromium draws no scrollbars (0 px wide, measured); Firefox's take 12 px, so a sharer frame
  // that overflows while its mirror does not (e.g. ignored content left out) would differ in width only
  // for that reason. Overlay scrollbars give the fidelity comparisons the same conditions as Chromium.
  'ui.useOverlayScrollbars': 1,
  'browser.shell.checkDefaultBrowser': false,
  'datareporting.policy.dataSubmissionEnabled': false,
};

export function firefoxLauncher() {
  return chromeLauncher({
    puppeteer: puppeteerCore,
    launchOptions: {
      browser: 'firefox',
      executablePath: findFirefox(),
      headless: true,
      extraPrefsFirefox: FIREFOX_PREFS,
    },
  });
}

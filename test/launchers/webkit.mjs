// WebKit for the browser tests: WebKitGTK's MiniBrowser (the engine of Safari) driven by Debian's
// WebKitWebDriver (package webkit2gtk-driver) through @web/test-runner-webdriver. MiniBrowser has no
// headless mode, so the driver runs under `xvfb-run -a` (package xvfb): the browser it starts inherits
// the virtual display. Playwright's own WebKit build cannot be downloaded here, so we use the system's.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { webdriverLauncher } from '@web/test-runner-webdriver';
import { findBinary } from './find.mjs';

const INSTALL = 'sudo apt-get install -y webkit2gtk-driver xvfb';

export function findWebKit() {
  const driver = findBinary({
    what: 'WebKitWebDriver',
    env: 'WEBKIT_DRIVER_PATH',
    candidates: ['/usr/bin/WebKitWebDriver'],
    install: INSTALL,
  });
  const browser = findBinary({
    what: "WebKitGTK's MiniBrowser",
    env: 'WEBKIT_BROWSER_PATH',
    candidates: [
      '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
      '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
      '/usr/libexec/webkit2gtk-4.1/MiniBrowser',
    ],
    install: INSTALL,
  });
  // with a display already there (a desktop, or a run inside xvfb-run) no Xvfb is needed
  const xvfbRun = process.env.DISPLAY
    ? ''
    : findBinary({ what: 'xvfb-run', env: 'XVFB_RUN_PATH', candidates: ['/usr/bin/xvfb-run'], install: INSTALL });
  return { driver, browser, xvfbRun };
}

/** A free TCP port on loopback for the driver (several runs at once must not collide). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Waits until the driver answers /status (it takes a moment to listen), or throws after `ms`. */
async function waitForDriver(port, child, ms = 30_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/status`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`WebKitWebDriver did not answer on port ${port} within ${ms} ms`);
}

/**
 * WebKitWebDriver (under Xvfb when there is no display) on a free port, and the capabilities of a
 * MiniBrowser session on it. `stop()` kills the whole process group: xvfb-run starts Xvfb, the
 * driver starts MiniBrowser. Also used by test/e2e/webkit-customer.test.mjs.
 */
export async function startWebKitDriver() {
  const found = findWebKit();
  const port = await freePort();
  const cmd = found.xvfbRun ? [found.xvfbRun, '-a', found.driver] : [found.driver];
  const child = spawn(cmd[0], [...cmd.slice(1), `--port=${port}`, '--host=127.0.0.1'], { detached: true, stdio: 'ignore' });
  await waitForDriver(port, child);
  return {
    port,
    capabilities: {
      browserName: 'MiniBrowser',
      // webdriverio 9 asks for a BiDi socket by default; WebKitGTK's driver speaks classic WebDriver
      'wdio:enforceWebDriverClassic': true,
      'webkitgtk:browserOptions': { binary: found.browser, args: ['--automation'] },
    },
    stop() {
      if (child.exitCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    },
  };
}

/** W3C WebDriver key codes of the keys the tests hold or press (WebDriver spec, "keyboard actions"). */
const KEYS = { Shift: '\uE008', Control: '\uE009', Alt: '\uE00A', Meta: '\uE03D', Tab: '\uE004', Enter: '\uE007', Escape: '\uE00C' };
const key = (k) => KEYS[k] ?? k;

/** The webdriver launcher, plus the driver process it needs: started before the first session, stopped with the runner. */
export function webkitLauncher() {
  findWebKit(); // a missing engine fails when the config is read, not mid-run
  let driver;
  let inner;
  return {
    name: 'WebKit',
    type: 'webdriver',
    async initialize(config, testFiles) {
      driver = await startWebKitDriver();
      inner = webdriverLauncher({
        hostname: '127.0.0.1',
        port: driver.port,
        path: '/',
        logLevel: 'error',
        capabilities: driver.capabilities,
      });
      await inner.initialize(config, testFiles);
      // the commands plugins (sendKeys, sendMouse) call the launcher's own methods by session
      for (const m of ['sendMouseMove', 'sendMouseClick', 'sendMouseDown', 'sendMouseUp', 'resetMouse', 'sendKeys', 'takeScreenshot']) {
        this[m] = (...args) => inner[m](...args);
      }
    },
    /** The viewport as PNG bytes (for the pixel comparisons of test/helpers/screenshot-plugin.mjs). */
    async viewportPng() {
      return Buffer.from(await inner.driver.takeScreenshot(), 'base64');
    },
    /** `key` pressed while `modifiers` are held, as one W3C key action sequence. */
    async keyChord(id, modifiers, k) {
      const down = modifiers.map((m) => ({ type: 'keyDown', value: key(m) }));
      const up = [...modifiers].reverse().map((m) => ({ type: 'keyUp', value: key(m) }));
      const actions = [...down, { type: 'keyDown', value: key(k) }, { type: 'keyUp', value: key(k) }, ...up];
      await inner.driver.performActions([{ type: 'key', id: 'keyboard', actions }]);
      await inner.driver.releaseActions();
    },
    startSession: (id, url) => inner.startSession(id, url),
    isActive: (id) => !!inner?.isActive(id),
    getBrowserUrl: (id) => inner.getBrowserUrl(id),
    startDebugSession: (id, url) => inner.startDebugSession(id, url),
    stopSession: (id) => inner.stopSession(id),
    async stop() {
      await inner?.stop();
      driver?.stop();
    },
  };
}

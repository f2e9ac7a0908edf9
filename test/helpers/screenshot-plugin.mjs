// A web-test-runner server plugin for the fidelity tests (puppeteer: Chromium and Firefox; WebDriver:
// WebKit, see test/launchers/webkit.mjs):
// - `cobrowse-abilities`: which of the commands below work with this browser (test/helpers/engine.ts).
// - `cobrowse-pixel-diff` { a: rect, b: rect, tolerance? }: screenshots two rects of the test page (CSS
//   px, in the viewport) and returns how many pixels differ. PNGs are decoded here with zlib (no
//   dependency): 8-bit RGB/RGBA, non-interlaced, as Chromium, Firefox and WebKit write them.
// - `cobrowse-key-chord` { modifiers: ['Shift'], key: 'Tab' }: one key pressed with modifiers held
//   (the WebDriver branch of @web/test-runner-commands' sendKeys has no down/up).
// - `cobrowse-ime` { steps: [{ compose: text } | { commit: text }] }: real IME input through the
//   DevTools protocol (Input.imeSetComposition / Input.insertText) into the focused element.
// - `cobrowse-network` { action: 'start' } then { action: 'stop' }: every request the page (and its
//   in-process frames) sent in between, seen by the DevTools Network domain: { requests: [{ url, blocked,
//   frame, referrer }], frames: [{ id, parent, name }] }, where `blocked` is Chromium's blockedReason ('csp', ...)
//   for a request that never left the browser and `frame` the id of the frame that made it. The
//   Resource Timing API cannot tell either: it lists CSP-blocked loads too (with a zero duration).
import { decodePng } from './png.mjs';

function rect(r) {
  return { x: Math.round(r.x), y: Math.round(r.y), width: Math.round(r.width), height: Math.round(r.height) };
}

async function pageOf(session) {
  if (session.browser.type !== 'puppeteer') {
    throw new Error(`cobrowse screenshot plugin: browser type ${session.browser.type} is not supported (chrome launcher only)`);
  }
  return session.browser.getPage(session.id);
}

/** DevTools (CDP) commands exist only in Chromium: puppeteer drives Firefox over WebDriver BiDi. */
const isChromium = (session) => session.browser.type === 'puppeteer' && session.browser.name === 'Chrome';

/** A screenshot of rect `r` (width × height), decoded: puppeteer clips; WebDriver shoots the viewport and we crop. */
async function shoot(session, r, width, height) {
  if (session.browser.type === 'webdriver') {
    return crop(decodePng(await session.browser.viewportPng(session.id)), { x: r.x, y: r.y, width, height });
  }
  const page = await pageOf(session);
  return decodePng(Buffer.from(await page.screenshot({ clip: { x: r.x, y: r.y, width, height }, type: 'png', encoding: 'binary' })));
}

function crop(img, r) {
  // a WebDriver screenshot holds the viewport only: a rect below it would compare as blank
  if (r.x < 0 || r.y < 0 || r.x + r.width > img.width || r.y + r.height > img.height) {
    throw new Error(`rect ${JSON.stringify(r)} is outside the ${img.width}x${img.height} viewport that WebDriver screenshots`);
  }
  const width = Math.max(0, Math.min(r.width, img.width - r.x));
  const height = Math.max(0, Math.min(r.height, img.height - r.y));
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const from = ((r.y + y) * img.width + r.x) * 4;
    data.set(img.data.subarray(from, from + width * 4), y * width * 4);
  }
  return { width, height, data };
}

/** Network watchers by test session id. */
const watchers = new Map();

export function fidelityCommandsPlugin() {
  return {
    name: 'cobrowse-fidelity-commands',
    async executeCommand({ command, payload, session }) {
      if (command === 'cobrowse-abilities') {
        const chromium = isChromium(session);
        return { engine: session.browser.name, screenshots: true, networkLog: chromium, ime: chromium };
      }
      if (command === 'cobrowse-key-chord') {
        if (session.browser.type === 'webdriver') {
          await session.browser.keyChord(session.id, payload.modifiers, payload.key);
          return true;
        }
        const page = await pageOf(session);
        for (const m of payload.modifiers) await page.keyboard.down(m);
        await page.keyboard.press(payload.key);
        for (const m of [...payload.modifiers].reverse()) await page.keyboard.up(m);
        return true;
      }
      if (command === 'cobrowse-pixel-diff') {
        const a = rect(payload.a);
        const b = rect(payload.b);
        const width = Math.min(a.width, b.width);
        const height = Math.min(a.height, b.height);
        const ia = await shoot(session, a, width, height);
        const ib = await shoot(session, b, width, height);
        const tolerance = payload.tolerance ?? 8; // per channel: anti-aliasing noise
        let differing = 0;
        let firstX = -1;
        let firstY = -1;
        const w = Math.min(ia.width, ib.width);
        const h = Math.min(ia.height, ib.height);
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const i = (y * ia.width + x) * 4;
            const j = (y * ib.width + x) * 4;
            if (
              Math.abs(ia.data[i] - ib.data[j]) > tolerance ||
              Math.abs(ia.data[i + 1] - ib.data[j + 1]) > tolerance ||
              Math.abs(ia.data[i + 2] - ib.data[j + 2]) > tolerance
            ) {
              if (differing === 0) {
                firstX = x;
                firstY = y;
              }
              differing++;
            }
          }
        }
        // an all-white pair would "match" trivially: report how much of A is not background
        let inked = 0;
        for (let i = 0; i < w * h * 4; i += 4) if (ia.data[i] < 245 || ia.data[i + 1] < 245 || ia.data[i + 2] < 245) inked++;
        return { width: w, height: h, differing, ratio: differing / Math.max(1, w * h), inked, first: [firstX, firstY] };
      }
      if (command === 'cobrowse-ime') {
        const page = await pageOf(session);
        const cdp = await page.createCDPSession();
        try {
          for (const step of payload.steps) {
            if ('compose' in step) {
              await cdp.send('Input.imeSetComposition', {
                text: step.compose,
                selectionStart: step.compose.length,
                selectionEnd: step.compose.length,
              });
            } else if ('commit' in step) {
              await cdp.send('Input.insertText', { text: step.commit });
            }
          }
        } finally {
          await cdp.detach();
        }
        return true;
      }
      if (command === 'cobrowse-network') {
        const page = await pageOf(session);
        const old = watchers.get(session.id);
        if (old) {
          watchers.delete(session.id);
          await old.cdp.detach().catch(() => {});
        }
        if (payload.action === 'start') {
          const cdp = await page.createCDPSession();
          const requests = new Map();
          // every frame seen during the watch, kept after it is detached (a frame that navigated
          // cross-site leaves this target, but its request is attributed to it)
          const frames = new Map();
          const frame = (id, parent, name) => {
            const f = frames.get(id) ?? { id, parent: '', name: '' };
            if (parent) f.parent = parent;
            if (name) f.name = name;
            frames.set(id, f);
          };
          const walk = (node, parent) => {
            frame(node.frame.id, parent, node.frame.name);
            for (const child of node.childFrames ?? []) walk(child, node.frame.id);
          };
          cdp.on('Page.frameAttached', (e) => frame(e.frameId, e.parentFrameId, ''));
          cdp.on('Page.frameNavigated', (e) => frame(e.frame.id, e.frame.parentId, e.frame.name));
          cdp.on('Network.requestWillBeSent', (e) => {
            if (requests.has(e.requestId)) return;
            const referrer = e.request.headers?.Referer ?? e.request.headers?.referer ?? '';
            requests.set(e.requestId, { url: e.request.url, blocked: '', frame: e.frameId ?? '', referrer });
          });
          cdp.on('Network.loadingFailed', (e) => {
            const r = requests.get(e.requestId);
            if (r && e.blockedReason) r.blocked = e.blockedReason;
          });
          await cdp.send('Page.enable');
          walk((await cdp.send('Page.getFrameTree')).frameTree, '');
          await cdp.send('Network.enable');
          watchers.set(session.id, { cdp, requests, frames });
          return true;
        }
        if (!old) return { requests: [], frames: [] };
        return { requests: [...old.requests.values()], frames: [...old.frames.values()] };
      }
      return undefined;
    },
  };
}

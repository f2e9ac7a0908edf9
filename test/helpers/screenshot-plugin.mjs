// A web-test-runner server plugin for the fidelity tests (chrome launcher / puppeteer):
// - `cobrowse-pixel-diff` { a: rect, b: rect, tolerance? }: screenshots two rects of the test page (CSS
//   px, in the viewport) and returns how many pixels differ. PNGs are decoded here with zlib (no
//   dependency): 8-bit RGB/RGBA, non-interlaced, as Chromium writes them.
// - `cobrowse-ime` { steps: [{ compose: text } | { commit: text }] }: real IME input through the
//   DevTools protocol (Input.imeSetComposition / Input.insertText) into the focused element.
import { inflateSync } from 'node:zlib';

function decodePng(buf) {
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  for (let i = 0; i < 8; i++) if (buf[i] !== sig[i]) throw new Error('not a PNG');
  let pos = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  let bitDepth = 0;
  let interlace = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      bitDepth = data[8];
      colorType = data[9];
      interlace = data[12];
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  if (bitDepth !== 8 || interlace !== 0 || (colorType !== 2 && colorType !== 6)) {
    throw new Error(`unsupported PNG: depth ${bitDepth}, color type ${colorType}, interlace ${interlace}`);
  }
  const bpp = colorType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = Buffer.alloc(width * height * 4);
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? line[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      let v = line[i];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      line[i] = v & 255;
    }
    for (let x = 0; x < width; x++) {
      out[(y * width + x) * 4] = line[x * bpp];
      out[(y * width + x) * 4 + 1] = line[x * bpp + 1];
      out[(y * width + x) * 4 + 2] = line[x * bpp + 2];
      out[(y * width + x) * 4 + 3] = bpp === 4 ? line[x * bpp + 3] : 255;
    }
    prev = line;
  }
  return { width, height, data: out };
}

function rect(r) {
  return { x: Math.round(r.x), y: Math.round(r.y), width: Math.round(r.width), height: Math.round(r.height) };
}

async function pageOf(session) {
  if (session.browser.type !== 'puppeteer') {
    throw new Error(`cobrowse screenshot plugin: browser type ${session.browser.type} is not supported (chrome launcher only)`);
  }
  return session.browser.getPage(session.id);
}

export function fidelityCommandsPlugin() {
  return {
    name: 'cobrowse-fidelity-commands',
    async executeCommand({ command, payload, session }) {
      if (command === 'cobrowse-pixel-diff') {
        const page = await pageOf(session);
        const a = rect(payload.a);
        const b = rect(payload.b);
        const width = Math.min(a.width, b.width);
        const height = Math.min(a.height, b.height);
        const shot = async (r) =>
          decodePng(Buffer.from(await page.screenshot({ clip: { x: r.x, y: r.y, width, height }, type: 'png', encoding: 'binary' })));
        const ia = await shot(a);
        const ib = await shot(b);
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
      return undefined;
    },
  };
}

// Leaks (issue 6): start/stop capture 1,000 times on a large page (5,000 nodes with styles, inputs,
// shadow roots, iframes; half of the captures stopped at once, perhaps while their snapshot is still
// being written in slices), and start/stop a whole session (startSharing/startViewing over a loopback
// pair) 200 times; after a forced GC the JS heap must be back at its baseline and no patch may remain.
// Real Chromium through playwright-core, with --expose-gc; the heap is V8's used size (CDP
// Runtime.getHeapUsage) after HeapProfiler.collectGarbage + gc(), the median of 3 readings.
//
// Tolerance: +2 MB over a baseline taken after a warm-up of the same loop. A leak of one capture's
// state (a node map of 5,000 entries is ~0.5 MB) or of one session (mirror iframe document, ~1 MB+)
// per iteration would be 500 MB / 200 MB here: 2 MB leaves room for JIT code and lazily grown
// internal caches, and catches anything that grows with the iteration count by more than ~2 KB per
// capture or ~10 KB per session.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { findChrome, CHROME_FLAGS } from '../find-chrome.mjs';

const TOLERANCE_MB = 2;
let browser, page, cdp;

before(async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./leaks-entry.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2022',
  });
  browser = await chromium.launch({ executablePath: findChrome(), args: [...CHROME_FLAGS, '--js-flags=--expose-gc'] });
  page = await browser.newPage();
  await page.setContent(bigPage());
  await page.addScriptTag({ content: bundle.outputFiles[0].text });
  cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
});
after(() => browser?.close());

/** 5,000+ nodes: styled sections, inputs of every kind, open shadow roots, same-origin iframes. */
function bigPage() {
  let body = '';
  for (let i = 0; i < 250; i++) {
    body += `<section class="s${i % 7}" style="padding:${i % 5}px;color:hsl(${i},50%,40%)">
      <h3>Section ${i}</h3><p>Text <b>bold</b> <i>it</i> <a href="#a${i}">link</a></p>
      <ul><li>a</li><li>b</li><li>c</li></ul>
      <input value="v${i}"><input type="checkbox" ${i % 2 ? 'checked' : ''}><textarea>t${i}</textarea>
      <select><option>x</option><option selected>y</option></select>
      <div class="host" data-i="${i}"></div>
      ${i % 25 === 0 ? `<iframe srcdoc="<p style='color:red'>frame ${i}</p><input value='in frame'>"></iframe>` : ''}
    </section>`;
  }
  return `<!doctype html><html><head><style>${Array.from({ length: 7 }, (_, k) => `.s${k}{margin:${k}px;border:1px solid #${k}${k}${k}}`).join('')}</style></head>
    <body>${body}<script>
      for (const h of document.querySelectorAll('.host')) {
        const r = h.attachShadow({ mode: 'open' });
        r.innerHTML = '<style>p{color:blue}</style><p>shadow ' + h.dataset.i + '</p><input value="s">';
      }
    </script></body></html>`;
}

async function heapMB() {
  const reads = [];
  for (let i = 0; i < 3; i++) {
    await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
    await page.evaluate(() => (globalThis.gc(), globalThis.gc()));
    await cdp.send('HeapProfiler.collectGarbage');
    reads.push((await cdp.send('Runtime.getHeapUsage')).usedSize / 1024 / 1024);
  }
  return reads.sort((a, b) => a - b)[1];
}

test('capture start/stop ×1,000 on a 5,000-node page: heap back to baseline, 0 patches', { timeout: 600_000 }, async () => {
  const nodes = await page.evaluate(() => {
    let n = 0;
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        n++;
        if (el.shadowRoot) {
          n += el.shadowRoot.querySelectorAll('*').length;
        }
      }
    };
    walk(document);
    for (const f of document.querySelectorAll('iframe')) if (f.contentDocument) n += f.contentDocument.querySelectorAll('*').length;
    return n + document.querySelectorAll('*').length * 0; // elements only (text nodes not counted)
  });
  assert.ok(nodes >= 5000, `a large page: ${nodes} elements`);
  const loop = (n) =>
    page.evaluate(async (n) => {
      let frames = 0;
      let bytes = 0;
      for (let i = 0; i < n; i++) {
        let written;
        const snapshot = new Promise((r) => (written = r));
        const h = window.leaks.capture(document, {
          onFrame: (f) => {
            frames++;
            bytes += f.byteLength;
            written();
          },
        });
        // half of them wait for their snapshot (written in slices when the machine is slow), half are
        // stopped at once: perhaps in the middle of it, which must leave nothing behind either
        if (i % 2) await snapshot;
        if (i % 50 === 0) await new Promise((r) => requestAnimationFrame(r));
        h.stop();
      }
      return { frames, bytes, patches: window.leaks.activePatchCount() };
    }, n);
  await loop(20);
  const base = await heapMB();
  const t0 = Date.now();
  const r = await loop(1000);
  const ms = Date.now() - t0;
  const end = await heapMB();
  console.log(
    `capture ×1000 on ${nodes} elements: heap ${base.toFixed(2)} MB → ${end.toFixed(2)} MB (Δ ${(end - base).toFixed(2)} MB), activePatchCount ${r.patches}, ${r.frames} frames (${(r.bytes / 1e6).toFixed(0)} MB), ${(ms / 1000).toFixed(1)} s`,
  );
  assert.ok(r.frames >= 500, `each capture that waited produced its snapshot: ${r.frames} frames`);
  assert.equal(r.patches, 0);
  assert.ok(end - base < TOLERANCE_MB, `heap grew ${(end - base).toFixed(2)} MB`);
});

test('session start/stop ×200 over a loopback pair: heap back to baseline, 0 patches', { timeout: 600_000 }, async () => {
  const loop = (n) =>
    page.evaluate(async (n) => {
      const { startSharing, startViewing, createLoopbackPair, activePatchCount } = window.leaks;
      const secret = 'c2VjcmV0LXNlY3JldC0xMjM0NQ';
      for (let i = 0; i < n; i++) {
        const container = document.createElement('div');
        container.style.cssText = 'position:fixed;left:0;top:0;width:400px;height:300px';
        document.body.appendChild(container);
        const [a, b] = createLoopbackPair();
        const sharing = await startSharing({ document, transport: a, secret, persist: false, approve: async () => true });
        const viewing = await startViewing({ container, transport: b, secret });
        await viewing.connected;
        viewing.stop();
        sharing.stop();
        container.remove();
      }
      await new Promise((r) => setTimeout(r, 100));
      return { patches: activePatchCount() };
    }, n);
  await loop(10);
  const base = await heapMB();
  const t0 = Date.now();
  const r = await loop(200);
  const ms = Date.now() - t0;
  const end = await heapMB();
  console.log(
    `session ×200 (5,000-node page, loopback): heap ${base.toFixed(2)} MB → ${end.toFixed(2)} MB (Δ ${(end - base).toFixed(2)} MB), activePatchCount ${r.patches}, ${(ms / 1000).toFixed(1)} s`,
  );
  assert.equal(r.patches, 0);
  assert.ok(end - base < TOLERANCE_MB, `heap grew ${(end - base).toFixed(2)} MB`);
});

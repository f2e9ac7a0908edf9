#!/usr/bin/env node
// How deep a tree each engine lays out before its page crashes (or throws): the numbers behind the
// mirror's MAX_RENDER_DEPTH (src/mirror/depth.ts). A scratch measurement, not a test: a crash takes the
// page (Chromium's renderer, Firefox's content process, WebKit's web process) down with it, which a
// test runner does not survive well. Reported, never asserted.
//
//   node bench/depth-limits.mjs [--engines chromium,firefox,webkit] [--depths 1000,2000,...] [--modes visible,hidden]
//
// Each probe is a fresh page holding an `<iframe sandbox="allow-same-origin">` (as the mirror's), into
// which the page builds, from outside and with DOM calls (as the mirror does), a chain of N elements:
//   visible — N nested <div>s, a text at the bottom
//   hidden  — the same chain under a `display:none` <div>
//   shadow  — N hosts, each one's shadow root holding the next host (the chain runs through shadow roots)
//   frames  — N/2 nested <div>s, an <iframe> at the bottom, N/2 nested <div>s in its document
//   svg     — an <svg> holding N nested <g>s, a <text> at the bottom
//   inline  — N nested <span>s (inline boxes)
//   flex, grid, table, multicol, abs, iblock, itable, … — N nested <div>s under one of the style sheets
//             of STYLED below (display:flex, grid, inline-block, inline-table, columns, position, …)
//   fieldset, button, details — N nested elements of that name
//   parsed-itable — N nested inline-table <div>s written as markup (srcdoc): the parser builds them
//   use     — SVG: N/L chains of L nested <g>s (L: --use-chain, default 1,000), each ending in a <use>
//             of the next chain (the clones nest: N levels rendered, no chain deeper than L in the DOM)
//   usedeep — one <use> at level N/2 of a chain of N/2 <g>s (N levels, no nesting)
//   usefan  — N groups, each with --use-fan (4) <use>s of the next: fan^N copies ("billion laughs")
//   usewide — N <use>s of one group of --use-wide (1,000) rects: N × 1,000 copies, flat
//   maskfan, clipfan, patternfan, markerfan — N resources (<mask>, <clipPath>, <pattern>, <marker>),
//             each holding --use-fan elements that refer to the next (fan^N painted)
//   maskflat, clipflat, patternflat, markerflat — N elements (N marked vertices) that refer to one
//             resource of --use-wide elements
//             (their time runs until the second frame after is painted: resources cost at paint)
//   tspan, svgsvg — N nested <tspan>s in a <text>, N nested <svg>s
//   (the <use> modes and these report the time to the first box: "ok 1928 ms")
// Measured (Chromium 156): use with --use-chain 190 lays out 5,700 levels, crashes at 7,980; usefan 8
// (87,000 copies) 1.9 s, 10: 42 s, 11: hang; usewide 100 (100,000 copies) 2.0 s, 1,000: 30 s; usedeep,
// tspan, svgsvg, svg lay out 3,000 levels. What the mirror does about it: src/mirror/uses.ts.
// then forces style and layout (getBoundingClientRect of the bottom element) and waits for two frames
// to be painted. Outcome: "ok" (bottom element has a box / "no box" when the engine stopped laying out
// before it), "crash" (the page died), "threw: ..." (an exception in the page), "hang" (no answer in 60 s).
import http from 'node:http';
import { chromium } from 'playwright-core';
import { puppeteerCore } from '@web/test-runner-chrome';
import { remote } from 'webdriverio';
import { findChrome, CHROME_FLAGS } from '../test/find-chrome.mjs';
import { findFirefox, FIREFOX_PREFS } from '../test/launchers/firefox.mjs';
import { startWebKitDriver } from '../test/launchers/webkit.mjs';
import { opt, table } from './lib.mjs';

const ENGINES = String(opt('engines', 'chromium,firefox,webkit')).split(',');
const DEPTHS = String(opt('depths', '1000,1500,2000,2500,3000,4000,6000,8000,12000,16384')).split(',').map(Number);
const MODES = String(opt('modes', 'visible,hidden,shadow,frames,svg,inline')).split(',');
const TIMEOUT = 60_000;

const PROBE = `<!DOCTYPE html><body><script>
const STYLED = {
  flex: 'div{display:flex}',
  grid: 'div{display:grid}',
  table: 'div{display:table}div>div{display:table-cell}div>div>div{display:table}',
  multicol: 'div{columns:2}',
  abs: 'div{position:absolute}',
  float: 'div{float:left}',
  iblock: 'div{display:inline-block}',
  transform: 'div{transform:translateX(1px)}',
  sticky: 'div{position:sticky;top:0}',
  fixed: 'div{position:fixed}',
  ruby: 'div{display:ruby}',
  math: 'div{display:math}',
  gridabs: 'div{display:grid;position:absolute}',
  tableabs: 'div{display:table;position:absolute}div>div{display:table-cell;position:relative}',
  iflex: 'div{display:inline-flex}',
  igrid: 'div{display:inline-grid}',
  itable: 'div{display:inline-table}',
  ibwm: 'div{display:inline-block}div>div{writing-mode:vertical-rl}div>div>div{writing-mode:horizontal-tb}',
  wbox: 'div{display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:2}',
  ibflex: 'div{display:inline-block}div>div{display:flex}div>div>div{display:inline-block}',
  tcell: 'div{display:table-cell}',
  opacity: 'div{opacity:.99}',
  filter: 'div{filter:blur(0.1px)}',
  scroll: 'div{overflow:scroll;max-height:90%}',
  willchange: 'div{will-change:transform}',
  clip: 'div{clip-path:inset(0)}',
  itopacity: 'div{display:inline-table;opacity:.99;filter:blur(0.1px)}',
  itscroll: 'div{display:inline-table}div>div{display:inline-block;overflow:scroll}div>div>div{display:inline-table}',
  itcollapse: 'div{display:inline-table;border-collapse:collapse;border:1px solid}',
  itcell2: 'div{display:inline-table}div>div{display:table-cell}div>div>div{display:inline-table}',
  itwm: 'div{display:inline-table}div>div{writing-mode:vertical-rl}div>div>div{writing-mode:horizontal-tb}',
  itgrid: 'div{display:inline-table}div>div{display:inline-grid}div>div>div{display:inline-table}',
  itabs: 'div{display:inline-table;position:relative}div>div{position:absolute}div>div>div{position:static}',
  itcol: 'div{display:inline-table}div>div{display:table-caption}div>div>div{display:inline-table}',
  itfloat: 'div{display:inline-table}div>div{float:left}div>div>div{float:none}',
  trow: 'div{display:table-row}',
  itcell: 'div{display:inline-block}div>div{display:table-cell}',
  caption: 'div{display:table-caption}',
  listitem: 'div{display:list-item;list-style:inside}',
  before: 'div::before{content:"x";display:inline-block}',
  ibtable: 'div{display:inline-block}div>div{display:table-cell}div>div>div{display:inline-block}',
};
const Q = new URLSearchParams(location.search);
const USE_CHAIN = Number(Q.get('use') || 1000);
const USE_FAN = Number(Q.get('fan') || 4);
const USE_WIDE = Number(Q.get('wide') || 1000);
const SVG = 'http://www.w3.org/2000/svg';
/** The other <use> probes: the element whose box is asked for (its instance is built then), or null. */
const USE_PROBES = {
  // one <use> at level n/2 (nested <g>s) of a chain of n/2 <g>s: no <use> nesting, n levels laid out
  usedeep(doc, n, chain) {
    const svg = doc.body.appendChild(doc.createElementNS(SVG, 'svg'));
    const top = svg.appendChild(doc.createElementNS(SVG, 'defs')).appendChild(doc.createElementNS(SVG, 'g'));
    top.id = 't';
    chain(doc, top, Math.floor(n / 2) - 1, 'g', SVG).appendChild(doc.createElementNS(SVG, 'text')).textContent = 'b';
    const use = chain(doc, svg, n - Math.floor(n / 2), 'g', SVG).appendChild(doc.createElementNS(SVG, 'use'));
    use.setAttribute('href', '#t');
    return use;
  },
  // fan-out: n groups, each holding USE_FAN <use>s of the next (USE_FAN^n instances of the last)
  usefan(doc, n) {
    const svg = doc.body.appendChild(doc.createElementNS(SVG, 'svg'));
    const defs = svg.appendChild(doc.createElementNS(SVG, 'defs'));
    for (let i = 0; i < n; i++) {
      const g = defs.appendChild(doc.createElementNS(SVG, 'g'));
      g.id = 'f' + i;
      if (i === n - 1) g.appendChild(doc.createElementNS(SVG, 'rect')).setAttribute('width', '1');
      else for (let j = 0; j < USE_FAN; j++) g.appendChild(doc.createElementNS(SVG, 'use')).setAttribute('href', '#f' + (i + 1));
    }
    const use = svg.appendChild(doc.createElementNS(SVG, 'use'));
    use.setAttribute('href', '#f0');
    return use;
  },
  // breadth: n <use>s of one group of USE_WIDE rects (n × USE_WIDE instances, no nesting)
  usewide(doc, n) {
    const svg = doc.body.appendChild(doc.createElementNS(SVG, 'svg'));
    const g = svg.appendChild(doc.createElementNS(SVG, 'defs')).appendChild(doc.createElementNS(SVG, 'g'));
    g.id = 'w';
    for (let i = 0; i < USE_WIDE; i++) g.appendChild(doc.createElementNS(SVG, 'rect')).setAttribute('width', '1');
    let use = null;
    for (let i = 0; i < n; i++) (use = svg.appendChild(doc.createElementNS(SVG, 'use'))).setAttribute('href', '#w');
    return use;
  },
  // paint servers and resources that nest (paints.ts): n levels, each resource holding USE_FAN elements
  // that refer to the next (USE_FAN^n painted), or (…flat) n elements referring to one resource of
  // USE_WIDE elements (n × USE_WIDE painted if the engine shares nothing); the box of the element that
  // refers to the top one
  ...Object.fromEntries(['mask', 'clip', 'pattern', 'marker'].flatMap((kind) => [
    [kind + 'fan', (doc, n) => paintNest(doc, kind, n, USE_FAN)],
    [kind + 'flat', (doc, n) => paintFlat(doc, kind, n, USE_WIDE)],
  ])),
  // n nested <tspan>s in a <text>, and n nested <svg>s: the deepest SVG nesting without <use>
  tspan(doc, n, chain) {
    const text = doc.body.appendChild(doc.createElementNS(SVG, 'svg')).appendChild(doc.createElementNS(SVG, 'text'));
    text.setAttribute('y', '20');
    const b = chain(doc, text, n - 2, 'tspan', SVG);
    b.textContent = 'bottom';
    return b;
  },
  svgsvg(doc, n, chain) {
    const b = chain(doc, doc.body, n - 1, 'svg', SVG).appendChild(doc.createElementNS(SVG, 'text'));
    b.setAttribute('y', '20');
    b.textContent = 'bottom';
    return b;
  },
};
const PAINT = {
  mask: ['mask', 'mask', { maskUnits: 'userSpaceOnUse', x: 0, y: 0, width: 600, height: 600 }],
  clip: ['clipPath', 'clip-path', {}],
  pattern: ['pattern', 'fill', { patternUnits: 'userSpaceOnUse', width: 500, height: 500 }],
  marker: ['marker', 'marker-mid', { markerUnits: 'userSpaceOnUse', markerWidth: 500, markerHeight: 500, overflow: 'visible' }],
};
function svgEl(doc, parent, name, attrs) {
  const e = parent.appendChild(doc.createElementNS(SVG, name));
  for (const k in attrs) e.setAttribute(k, String(attrs[k]));
  return e;
}
/** An element of a resource's content: a polyline of 3 points for markers (its middle one is marked). */
function painted(doc, parent, kind, i, ref) {
  const attrs = kind === 'marker' ? { points: '0,0 ' + i + ',2 8,0', stroke: 'black', fill: 'none' } : { x: i % 50, width: 500, height: 500, fill: 'white' };
  if (ref) attrs[PAINT[kind][1]] = 'url(#' + ref + ')';
  return svgEl(doc, parent, kind === 'marker' ? 'polyline' : 'rect', attrs);
}
function paintNest(doc, kind, n, fan) {
  const svg = svgEl(doc, doc.body, 'svg', { width: 600, height: 600 });
  const defs = svgEl(doc, svg, 'defs', {});
  for (let i = 0; i < n; i++) {
    const r = svgEl(doc, defs, PAINT[kind][0], { id: 'r' + i, ...PAINT[kind][2] });
    for (let j = 0; j < fan; j++) painted(doc, r, kind, j, i < n - 1 ? 'r' + (i + 1) : null);
  }
  return painted(doc, svg, kind, 1, 'r0');
}
function paintFlat(doc, kind, n, wide) {
  const svg = svgEl(doc, doc.body, 'svg', { width: 600, height: 600 });
  const r = svgEl(doc, svgEl(doc, svg, 'defs', {}), PAINT[kind][0], { id: 'r', ...PAINT[kind][2] });
  for (let j = 0; j < wide; j++) painted(doc, r, kind, j, null);
  let last = null;
  if (kind === 'marker') {
    const points = Array.from({ length: n + 2 }, (_, j) => (j % 500) + ',' + ((j / 500) | 0)).join(' ');
    last = svgEl(doc, svg, 'polyline', { points, stroke: 'black', fill: 'none', 'marker-mid': 'url(#r)' });
  } else for (let i = 0; i < n; i++) last = painted(doc, svg, kind, i, 'r');
  return last;
}
window.probe = async (n, mode) => {
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', 'allow-same-origin');
  frame.style.cssText = 'width:800px;height:600px;border:0';
  document.body.append(frame);
  if (mode === 'parsed-itable') {
    // markup through the HTML parser (no script): the customer's own page could be this
    const open = '<div style="display:inline-table">'.repeat(n);
    frame.srcdoc = '<!DOCTYPE html><body>' + open + '<b id=bottom>bottom</b>' + '</div>'.repeat(n);
    await new Promise((res) => (frame.onload = res));
    const b = frame.contentDocument.getElementById('bottom');
    let depth = 0;
    for (let e = b; e; e = e.parentElement) depth++;
    const r = b.getBoundingClientRect();
    await new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(res, 50))));
    return (r.height > 0 ? 'ok' : 'ok (no box)') + ' d=' + depth;
  }
  const doc = frame.contentDocument;
  const chain = (d, at, count, name = 'div', ns = 'http://www.w3.org/1999/xhtml') => {
    for (let i = 0; i < count; i++) at = at.appendChild(d.createElementNS(ns, name));
    return at;
  };
  if (USE_PROBES[mode]) {
    try {
      const t0 = performance.now();
      const el = USE_PROBES[mode](doc, n, chain);
      const r = el.getBoundingClientRect();
      let ms = Math.round(performance.now() - t0);
      await new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(res, 50))));
      // resources cost at paint, not layout: their time runs to the second frame painted
      if (/(fan|flat)$/.test(mode) && mode !== 'usefan') ms = Math.round(performance.now() - t0 - 50);
      return (r.width > 0 || r.height > 0 ? 'ok' : 'ok (no box)') + ' ' + ms + ' ms';
    } catch (e) {
      return 'threw: ' + String(e && e.name) + ' ' + String(e && e.message).slice(0, 60);
    }
  }
  let bottom;
  try {
    if (mode === 'visible' || mode === 'inline') bottom = chain(doc, doc.body, n, mode === 'inline' ? 'span' : 'div');
    else if (mode === 'hidden') {
      const box = doc.body.appendChild(doc.createElement('div'));
      box.style.display = 'none';
      bottom = chain(doc, box, n);
    } else if (mode === 'shadow') {
      let host = doc.body.appendChild(doc.createElement('div'));
      for (let i = 1; i < n; i++) host = host.attachShadow({ mode: 'open' }).appendChild(doc.createElement('div'));
      bottom = host;
    } else if (mode === 'frames') {
      const inner = chain(doc, doc.body, Math.floor(n / 2)).appendChild(doc.createElement('iframe'));
      const d2 = inner.contentDocument;
      bottom = chain(d2, d2.body, n - Math.floor(n / 2));
    } else if (mode === 'svg') {
      const SVG = 'http://www.w3.org/2000/svg';
      const svg = doc.body.appendChild(doc.createElementNS(SVG, 'svg'));
      bottom = chain(doc, svg, n - 1, 'g', SVG).appendChild(doc.createElementNS(SVG, 'text'));
    }
    else if (mode === 'fieldset' || mode === 'button' || mode === 'details') bottom = chain(doc, doc.body, n, mode);
    else if (STYLED[mode]) {
      const style = doc.head.appendChild(doc.createElement('style'));
      style.textContent = STYLED[mode];
      bottom = chain(doc, doc.body, n);
    } else if (mode === 'use') {
      const SVG = 'http://www.w3.org/2000/svg';
      const svg = doc.body.appendChild(doc.createElementNS(SVG, 'svg'));
      const defs = svg.appendChild(doc.createElementNS(SVG, 'defs'));
      const k = Math.max(1, Math.round(n / USE_CHAIN));
      let last = null;
      for (let c = k - 1; c >= 0; c--) {
        const top = doc.createElementNS(SVG, 'g');
        top.id = 'c' + c;
        (c === 0 ? svg : defs).appendChild(top);
        const end = chain(doc, top, USE_CHAIN - 2, 'g', SVG);
        if (last) end.appendChild(doc.createElementNS(SVG, 'use')).setAttribute('href', '#' + last);
        else bottom = end.appendChild(doc.createElementNS(SVG, 'text'));
        last = top.id;
      }
    }
    bottom.textContent = 'bottom';
    const r = bottom.getBoundingClientRect();
    await new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(res, 50))));
    return r.height > 0 ? 'ok' : 'ok (no box)';
  } catch (e) {
    return 'threw: ' + String(e && e.name) + ' ' + String(e && e.message).slice(0, 60);
  }
};
</script></body>`;

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end(PROBE);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/probe.html?use=${opt('use-chain', 1000)}&fan=${opt('use-fan', 4)}&wide=${opt('use-wide', 1000)}`;

const withTimeout = (p, ms) => Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error('hang')), ms))]);

/** One engine's driver: probe(n, mode) -> outcome, close(). */
async function chromiumDriver() {
  const browser = await chromium.launch({ executablePath: findChrome(), args: CHROME_FLAGS });
  return {
    async probe(n, mode) {
      const page = await browser.newPage();
      let crashed = false;
      page.on('crash', () => (crashed = true));
      try {
        await page.goto(url);
        return await withTimeout(
          page.evaluate(([k, m]) => window.probe(k, m), [n, mode]),
          TIMEOUT,
        );
      } catch (e) {
        return crashed || /crash/i.test(String(e)) ? 'crash' : `error: ${String(e).slice(0, 80)}`;
      } finally {
        await page.close().catch(() => undefined);
      }
    },
    close: () => browser.close(),
  };
}

async function firefoxDriver() {
  let browser = null;
  const start = async () =>
    (browser = await puppeteerCore.launch({
      browser: 'firefox',
      executablePath: findFirefox(),
      headless: true,
      extraPrefsFirefox: FIREFOX_PREFS,
    }));
  await start();
  return {
    async probe(n, mode) {
      let page;
      try {
        page = await browser.newPage();
        await page.goto(url);
        const r = await withTimeout(
          page.evaluate((k, m) => window.probe(k, m), n, mode),
          TIMEOUT,
        );
        // still alive afterwards? (a content process that crashed after answering)
        await withTimeout(
          page.evaluate(() => 1),
          10_000,
        );
        return r;
      } catch (e) {
        const what = /hang/.test(String(e)) ? 'hang' : `crash (${String(e).slice(0, 60)})`;
        await browser.close().catch(() => undefined);
        await start();
        return what;
      } finally {
        await page?.close().catch(() => undefined);
      }
    },
    close: () => browser.close(),
  };
}

async function webkitDriver() {
  const driver = await startWebKitDriver();
  let session = null;
  const start = async () =>
    (session = await remote({ hostname: '127.0.0.1', port: driver.port, path: '/', logLevel: 'error', capabilities: driver.capabilities }));
  await start();
  return {
    async probe(n, mode) {
      try {
        await session.url(url);
        const r = await withTimeout(
          session.executeAsync((k, m, done) => window.probe(k, m).then(done), n, mode),
          TIMEOUT,
        );
        await withTimeout(
          session.execute(() => 1),
          10_000,
        );
        return r;
      } catch (e) {
        const what = /hang/.test(String(e)) ? 'hang' : `crash (${String(e).replace(/\s+/g, ' ').slice(0, 60)})`;
        await session.deleteSession().catch(() => undefined);
        await start();
        return what;
      }
    },
    async close() {
      await session.deleteSession().catch(() => undefined);
      driver.stop();
    },
  };
}

const DRIVERS = { chromium: chromiumDriver, firefox: firefoxDriver, webkit: webkitDriver };
const rows = [];
try {
  for (const engine of ENGINES) {
    const d = await DRIVERS[engine]();
    try {
      for (const mode of MODES) {
        const row = [engine, mode];
        for (const n of DEPTHS) {
          const out = await d.probe(n, mode);
          row.push(out);
          console.error(`${engine} ${mode} ${n}: ${out}`);
        }
        rows.push(row);
      }
    } finally {
      await d.close();
    }
  }
} finally {
  server.close();
}
console.log(table(rows, ['engine', 'mode', ...DEPTHS.map(String)]));

// Pixels: the sharer frame and the mirror frame, screenshotted at the same size, look the same.
// Needs the server plugin test/helpers/screenshot-plugin.mjs in web-test-runner.config.mjs.
import { afterEach, assert, describe, it } from './helpers/assert.js';
import { pixelDiff } from './helpers/commands.js';
import { cleanup, createSharer, startSession } from './helpers/harness.js';

afterEach(cleanup);

describe('fidelity: pixels', () => {
  it('sharer and mirror render the same pixels (styles, shadow DOM, SVG, form state)', async () => {
    const sharer = await createSharer({
      html: '<!DOCTYPE html><style>body{font:16px sans-serif;background:rgb(250,240,230)} .card{border:2px solid rgb(0,0,200);padding:8px;margin:8px}</style><body><div class="card">Card <b>bold</b> <i>italic</i></div><svg width="80" height="40"><rect width="80" height="40" fill="rgb(0,150,0)"/></svg><div id="h"></div><input value="value"><input type="checkbox" checked></body>',
    });
    const r = sharer.doc.getElementById('h')!.attachShadow({ mode: 'open' });
    r.innerHTML = '<style>p{color:rgb(200,0,0)}</style><p>shadow paragraph</p>';
    const s = await startSession(sharer);
    await s.settle();
    const d = await pixelDiff(sharer.frame, s.mirror.iframe);
    assert(d.inked > 500, `the page draws something (${d.inked} inked pixels)`);
    assert(d.ratio < 0.001, `pixels differ: ${d.differing} of ${d.width}x${d.height}, first at ${d.first}`);
    sharer.doc.querySelector('.card')!.textContent = 'changed card';
    await s.settle();
    const d2 = await pixelDiff(sharer.frame, s.mirror.iframe);
    assert(d2.ratio < 0.001, `after a change: ${d2.differing} of ${d2.width}x${d2.height}, first at ${d2.first}`);
  });
});

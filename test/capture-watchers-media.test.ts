import { describe, it } from './helpers/assert.js';
import { needsWebGL } from './helpers/engine.js';
import { DialogState, OpCode } from '../src/protocol/constants.js';
import { activePatchCount } from '../src/capture/patches.js';
import { createMediaWatchers } from '../src/capture/watchers/media/index.js';
import { Harness, assert, eq, only, tick, until, perTestBox } from './helpers/watchers-harness.js';

describe('capture watcher: media, dialog, canvas', () => {
  let box: HTMLElement;
  let h: Harness;
  perTestBox(
    (b) => (box = b),
    () => h,
  );

  it('media state: snapshot and events', async () => {
    box.innerHTML = '<video muted></video><audio></audio>';
    const v = box.querySelector('video')!;
    h = new Harness(document, createMediaWatchers());
    const snap = only(h.snapshot(), OpCode.Media);
    eq(
      snap.map((o) => [o.id, o.paused, o.muted]),
      [
        [h.id(v), true, true],
        [h.id(box.querySelector('audio')!), true, false],
      ],
      'snapshot',
    );
    v.muted = false;
    v.playbackRate = 2;
    await until(() => h.flushRequests > 0, 2000, 'volumechange/ratechange');
    await tick();
    const ops = only(h.flush(), OpCode.Media);
    eq(
      ops.map((o) => [o.id, o.muted, o.rate]),
      [[h.id(v), false, 2]],
      'one coalesced MEDIA op',
    );
  });

  it('dialog: show, showModal, close', () => {
    box.innerHTML = '<dialog id=a></dialog><dialog id=b></dialog>';
    const [a, b] = Array.from(box.querySelectorAll('dialog'));
    b!.showModal();
    h = new Harness(document, createMediaWatchers());
    eq(
      only(h.snapshot(), OpCode.Dialog).map((o) => [o.id, o.state]),
      [[h.id(b!), DialogState.Modal]],
      'snapshot: the open one',
    );
    b!.close();
    a!.show();
    const ops = only(h.flush(), OpCode.Dialog)
      .map((o) => [o.id, o.state])
      .sort();
    eq(
      ops,
      [
        [h.id(a!), DialogState.Open],
        [h.id(b!), DialogState.Closed],
      ].sort(),
      'changes',
    );
    eq(h.flush().length, 0, 'nothing more');
  });

  it('canvas 2D: a picture after drawing, none for an untouched or masked canvas', async () => {
    box.innerHTML =
      '<canvas id=a width=40 height=30></canvas><canvas id=b width=40 height=30></canvas><div data-cobrowse-mask><canvas id=m width=40 height=30></canvas></div>';
    const a = box.querySelector<HTMLCanvasElement>('#a')!;
    const m = box.querySelector<HTMLCanvasElement>('#m')!;
    h = new Harness(document, createMediaWatchers());
    h.snapshot();
    const g = a.getContext('2d')!;
    g.fillStyle = 'red';
    g.fillRect(0, 0, 20, 20);
    const gm = m.getContext('2d')!;
    gm.fillStyle = 'blue';
    gm.fillRect(0, 0, 20, 20);
    await until(() => h.flushRequests > 0, 3000, 'a picture');
    await tick(400); // the others had their chance
    const ops = only(h.flush(), OpCode.Canvas);
    eq(
      ops.map((o) => o.id),
      [h.id(a)],
      'only the drawn, unmasked canvas',
    );
    assert(ops[0]!.image.startsWith('data:image/'), 'a data URL');
    // the same picture again is not sent
    g.fillRect(0, 0, 20, 20);
    await tick(600);
    eq(only(h.flush(), OpCode.Canvas).length, 0, 'unchanged picture not repeated');
  });

  it('canvas WebGL without preserveDrawingBuffer: read in the drawing task', async function () {
    box.innerHTML = '<canvas width=32 height=32></canvas>';
    const c = box.querySelector('canvas')!;
    const gl = c.getContext('webgl', { preserveDrawingBuffer: false });
    // the browser the suite runs (headless Chromium, --disable-gpu) has WebGL through SwiftShader: its
    // absence is a broken setup, not a pass (another engine without WebGL skips, named)
    await needsWebGL(this, gl);
    assert(gl, 'no WebGL context: this Chromium cannot run the WebGL capture check');
    h = new Harness(document, createMediaWatchers());
    h.snapshot();
    gl.clearColor(0, 1, 0, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    await until(() => h.flushRequests > 0, 3000, 'a picture');
    const ops = only(h.flush(), OpCode.Canvas);
    eq(ops.length, 1, 'one picture');
    // decode the picture: it must be green, not the cleared buffer
    const img = new Image();
    img.src = ops[0]!.image;
    await img.decode();
    const probe = document.createElement('canvas');
    probe.width = probe.height = 32;
    const p = probe.getContext('2d')!;
    p.drawImage(img, 0, 0);
    const [r, gr, b, al] = Array.from(p.getImageData(16, 16, 1, 1).data);
    assert(gr! > 200 && r! < 50 && b! < 50 && al! > 200, `green pixel expected, got ${[r, gr, b, al]}`);
  });

  it('stop removes every listener, patch and timer', async () => {
    box.innerHTML = '<canvas width=10 height=10></canvas><dialog></dialog>';
    const c = box.querySelector('canvas')!;
    h = new Harness(document, createMediaWatchers());
    h.snapshot();
    h.stop();
    eq(activePatchCount(), 0, 'no patches');
    const n = h.flushRequests;
    c.getContext('2d')!.fillRect(0, 0, 5, 5);
    box.querySelector('dialog')!.show();
    await tick(400);
    eq(h.flushRequests, n, 'nothing fires after stop');
  });
});

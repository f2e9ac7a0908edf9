import { describe, it } from './helpers/assert.js';
import { OpCode } from '../src/protocol/constants.js';
import { activePatchCount } from '../src/capture/patches.js';
import { createViewportWatchers } from '../src/capture/watchers/viewport/index.js';
import { PointerWatcher } from '../src/capture/watchers/viewport/pointer.js';
import { Harness, assert, eq, only, raf, tick, perTestBox } from './helpers/watchers-harness.js';

const mouse = (type: string, x: number, y: number, init: MouseEventInit = {}) =>
  new PointerEvent(type, { bubbles: true, composed: true, clientX: x, clientY: y, view: window, ...init });

describe('capture watcher: viewport', () => {
  let box: HTMLElement;
  let h: Harness;
  perTestBox(
    (b) => (box = b),
    () => h,
  );

  it('snapshot: viewport, scrolled elements, focus', () => {
    box.innerHTML = '<div id=sc style="height:50px;overflow:auto"><div style="height:500px;width:2000px"></div></div><input id=f>';
    const sc = box.querySelector<HTMLElement>('#sc')!;
    sc.scrollTop = 120;
    sc.scrollLeft = 30;
    box.querySelector<HTMLInputElement>('#f')!.focus();
    h = new Harness(document, createViewportWatchers());
    const snap = h.snapshot();
    eq(
      only(snap, OpCode.Viewport).map((o) => [o.width, o.height]),
      [[innerWidth, innerHeight]],
      'viewport',
    );
    eq(only(snap, OpCode.Viewport)[0]!.dpr, devicePixelRatio, 'dpr');
    eq(
      only(snap, OpCode.Scroll)
        .filter((o) => o.id === h.id(sc))
        .map((o) => [o.x, o.y]),
      [[30, 120]],
      'scrolled element',
    );
    eq(
      only(snap, OpCode.Focus).map((o) => o.id),
      [h.id(box.querySelector('#f')!)],
      'focus',
    );
  });

  it('scroll, focus inside a shadow root, selection: latest per flush', async () => {
    box.innerHTML = '<div id=sc style="height:50px;overflow:auto"><div style="height:500px"></div></div><p id=t>hello world</p>';
    const host = document.createElement('x-f');
    box.append(host);
    const root = host.attachShadow({ mode: 'open' });
    root.innerHTML = '<div id=inner style="height:30px;overflow:auto"><div style="height:300px"></div></div><input>';
    h = new Harness(document, createViewportWatchers());
    h.snapshot();
    const sc = box.querySelector<HTMLElement>('#sc')!;
    const inner = root.querySelector<HTMLElement>('#inner')!;
    sc.scrollTop = 10;
    sc.scrollTop = 40;
    inner.scrollTop = 25;
    await raf();
    await tick(); // scroll events fire in the next rendering update
    root.querySelector('input')!.focus();
    const text = box.querySelector('#t')!.firstChild!;
    getSelection()!.setBaseAndExtent(text, 1, text, 5);
    await tick(); // selectionchange is queued
    await raf(); // and read in the next animation frame (the getters lay out)
    const ops = h.flush();
    const scroll = only(ops, OpCode.Scroll)
      .map((o) => [o.id, o.x, o.y])
      .sort();
    eq(
      scroll,
      [
        [h.id(sc), 0, 40],
        [h.id(inner), 0, 25],
      ].sort(),
      'scroll positions',
    );
    eq(
      only(ops, OpCode.Focus).map((o) => o.id),
      [h.id(root.querySelector('input')!)],
      'deepest focus',
    );
    eq(
      only(ops, OpCode.Selection).map((o) => [o.anchor, o.anchorOffset, o.focus, o.focusOffset]),
      [[h.id(text), 1, h.id(text), 5]],
      'selection',
    );
    getSelection()!.removeAllRanges();
    // blur the input itself: blur() on its shadow host unfocuses it in Chromium, but not in Firefox
    root.querySelector('input')!.blur();
    await tick();
    await raf();
    const ops2 = h.flush();
    eq(
      only(ops2, OpCode.Selection).map((o) => o.anchor),
      [0],
      'selection cleared',
    );
    eq(
      only(ops2, OpCode.Focus).map((o) => o.id),
      [0],
      'focus cleared',
    );
  });

  it('caret moves inside a field never read the selection', async () => {
    box.innerHTML = '<input id=f value=hello><p id=t>hello world</p>';
    h = new Harness(document, createViewportWatchers());
    h.snapshot();
    // capture reads the selection through Document.prototype.getSelection (src/dom/safe-dom.ts looks the
    // method up on the prototype at each call), so the spy goes there, for this test only
    let reads = 0;
    const proto = Document.prototype;
    const real = Object.getOwnPropertyDescriptor(proto, 'getSelection')!;
    const realFn = proto.getSelection;
    Object.defineProperty(proto, 'getSelection', {
      ...real,
      value: function (this: Document) {
        reads++;
        return realFn.call(this);
      },
    });
    try {
      const f = box.querySelector('input')!;
      f.focus();
      // Firefox fires one selectionchange at the document when focus enters a field (the page's own
      // selection ends there, and a read is right); the caret moves after it fire at the field only
      await tick();
      await raf();
      h.flush();
      reads = 0;
      f.setSelectionRange(1, 3);
      await tick();
      await raf();
      await raf();
      h.flush();
      eq(reads, 0, 'getSelection calls for a selection inside a field');
      // positive control: the same spy sees capture read a selection outside a field
      const text = box.querySelector('#t')!.firstChild!;
      realFn.call(document)!.setBaseAndExtent(text, 0, text, 5);
      await tick();
      await raf();
      await raf();
      const ops = h.flush();
      assert(reads > 0, 'the spy saw no read of a selection outside a field: it is not on the call path');
      eq(
        only(ops, OpCode.Selection).map((o) => [o.anchor, o.anchorOffset, o.focusOffset]),
        [[h.id(text), 0, 5]],
        'selection outside the field',
      );
    } finally {
      Object.defineProperty(proto, 'getSelection', real);
    }
  });

  it('hover, pointer and clicks', () => {
    const host = document.createElement('x-h');
    box.append(host);
    const root = host.attachShadow({ mode: 'closed' });
    root.innerHTML = '<button>b</button>';
    const button = root.querySelector('button')!;
    h = new Harness(document, createViewportWatchers());
    h.snapshot();
    h.assign(root);
    button.dispatchEvent(mouse('mouseover', 5, 6));
    for (let i = 0; i < 10; i++) document.body.dispatchEvent(mouse('pointermove', i, i * 2));
    button.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, clientX: 11, clientY: 12, detail: 1, view: window }));
    button.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, clientX: 13, clientY: 14, detail: 1, view: window }));
    button.click(); // no position: not shown
    const ops = h.flush();
    eq(
      only(ops, OpCode.Hover).map((o) => o.id),
      [h.id(button)],
      'innermost hovered element, through a closed root',
    );
    eq(
      only(ops, OpCode.Pointer).map((o) => [o.x, o.y]),
      [[9, 18]],
      'one pointer op: the latest',
    );
    eq(
      only(ops, OpCode.Click).map((o) => [o.x, o.y]),
      [
        [11, 12],
        [13, 14],
      ],
      'every click',
    );
    document.documentElement.dispatchEvent(new MouseEvent('mouseout', { bubbles: true, relatedTarget: null }));
    eq(
      only(h.flush(), OpCode.Hover).map((o) => o.id),
      [0],
      'pointer left the window',
    );
  });

  it('pointer and clicks in nested same-origin frames: top-viewport coordinates (the pointer watcher alone)', async () => {
    assert(window.frameElement === null, 'the test page is the top window');
    const load = (frame: HTMLIFrameElement, html: string) =>
      new Promise<void>((r) => {
        frame.addEventListener('load', () => r(), { once: true });
        frame.srcdoc = html;
      });
    // a fixed frame at (100, 50) with a 7 px border, holding a fixed frame at (20, 10) with a 3 px border
    const outer = document.createElement('iframe');
    outer.style.cssText = 'position:fixed;left:100px;top:50px;width:400px;height:300px;border:7px solid;margin:0';
    box.append(outer);
    await load(outer, '<!doctype html><body style="margin:0"><iframe></iframe></body>');
    const inner = outer.contentDocument!.querySelector('iframe')!;
    inner.style.cssText = 'position:fixed;left:20px;top:10px;width:200px;height:100px;border:3px solid;margin:0';
    await load(inner, '<!doctype html><body style="margin:0"><button>b</button></body>');
    h = new Harness(document, [new PointerWatcher()]);
    h.snapshot(); // ids through same-origin frames: both frame documents are roots the watcher listens on
    const win = inner.contentWindow! as Window & typeof globalThis;
    const at = (x: number, y: number, detail = 0) => ({ bubbles: true, composed: true, clientX: x, clientY: y, view: win, detail });
    win.document.body.dispatchEvent(new win.PointerEvent('pointermove', at(5, 6)));
    win.document.querySelector('button')!.dispatchEvent(new win.MouseEvent('click', at(8, 9, 1)));
    const ops = h.flush();
    eq(
      only(ops, OpCode.Pointer).map((o) => [o.x, o.y]),
      [[100 + 7 + 20 + 3 + 5, 50 + 7 + 10 + 3 + 6]],
      'pointer in the inner frame',
    );
    eq(
      only(ops, OpCode.Click).map((o) => [o.x, o.y]),
      [[100 + 7 + 20 + 3 + 8, 50 + 7 + 10 + 3 + 9]],
      'click in the inner frame',
    );
  });

  it('pointer moves are sampled: a burst asks for at most one flush until the interval passed', async () => {
    h = new Harness(document, createViewportWatchers());
    h.snapshot();
    document.body.dispatchEvent(mouse('pointermove', 1, 1));
    h.flush();
    const n = h.flushRequests;
    for (let i = 0; i < 50; i++) document.body.dispatchEvent(mouse('pointermove', 100 + i, 1));
    eq(h.flushRequests, n, 'no flush requested inside the interval');
    await tick(60);
    eq(h.flushRequests, n + 1, 'one trailing flush request');
    eq(
      only(h.flush(), OpCode.Pointer).map((o) => o.x),
      [149],
      'latest position',
    );
  });

  it('resize and stop', async () => {
    h = new Harness(document, createViewportWatchers());
    h.snapshot();
    window.dispatchEvent(new Event('resize'));
    eq(only(h.flush(), OpCode.Viewport).length, 0, 'same size: nothing');
    h.stop();
    eq(activePatchCount(), 0, 'no patches');
    const n = h.flushRequests;
    window.dispatchEvent(new Event('resize'));
    document.body.dispatchEvent(mouse('pointermove', 1, 1));
    document.body.dispatchEvent(mouse('click', 1, 1));
    await tick(60);
    assert(h.flushRequests === n, 'nothing fires after stop');
  });

  it('a flush without selectionchange does not read the selection (it forces a layout)', async () => {
    box.innerHTML = '<p id=t>hello world</p>';
    h = new Harness(document, createViewportWatchers());
    h.snapshot();
    let reads = 0;
    // capture calls Document.prototype.getSelection (a page may shadow document.getSelection): count there
    const own = Object.getOwnPropertyDescriptor(Document.prototype, 'getSelection')!;
    const real = Document.prototype.getSelection;
    Object.defineProperty(Document.prototype, 'getSelection', {
      configurable: true,
      value(this: Document) {
        reads++;
        return real.call(this);
      },
    });
    try {
      for (let i = 0; i < 5; i++) {
        box.dispatchEvent(new FocusEvent('focusin', { bubbles: true })); // other work pending
        h.flush();
      }
      eq(reads, 0, 'getSelection calls on flushes without selectionchange');
      const text = box.querySelector('#t')!.firstChild!;
      getSelection()!.setBaseAndExtent(text, 0, text, 5);
      await tick();
      await raf();
      const ops = h.flush();
      eq(
        only(ops, OpCode.Selection).map((o) => [o.anchorOffset, o.focusOffset]),
        [[0, 5]],
        'selection still sent after selectionchange',
      );
      assert(reads >= 1, 'read once after selectionchange');
      const after = reads;
      h.flush();
      eq(reads, after, 'not read again');
    } finally {
      Object.defineProperty(Document.prototype, 'getSelection', own);
      getSelection()!.removeAllRanges();
    }
  });
});

// The watchers driven by the real capture core (`capture()` wires them in), frames decoded.
import { afterEach, describe, it } from './helpers/assert.js';
import { OpCode } from '../src/protocol/constants.js';
import { FrameDecoder } from '../src/protocol/decoder.js';
import type { Op } from '../src/protocol/types.js';
import { capture } from '../src/capture/index.js';
import { activePatchCount } from '../src/capture/patches.js';
import { assert, bytesContain, eq, freshFrame, only, tick } from './helpers/watchers-harness.js';

function start(doc: Document) {
  const frames: Uint8Array[] = [];
  const ops: Op[][] = [];
  const decoder = new FrameDecoder();
  const cap = capture(doc, {
    onFrame(f) {
      frames.push(f);
      ops.push(decoder.decode(f).ops);
      decoder.commit();
    },
  });
  return { cap, frames, ops, all: () => ops.flat() };
}

describe('capture watchers through the core', () => {
  afterEach(() => {
    eq(activePatchCount(), 0, 'patches left after stop');
  });

  it('masking: typed and scripted canaries never appear in any frame', async () => {
    const CANARY = 'Qv8CANARYw3';
    const { frame, doc } = await freshFrame(
      `<body><input type=password id=p><input autocomplete=cc-number id=cc><div data-cobrowse-mask><input id=m></div>` +
        `<input type=password id=pre value="${CANARY}0"></body>`,
    );
    const s = start(doc);
    try {
      for (const id of ['p', 'cc', 'm']) {
        const el = doc.getElementById(id) as HTMLInputElement;
        el.focus();
        doc.execCommand('insertText', false, CANARY);
      }
      await tick(20);
      for (const id of ['p', 'cc', 'm']) (doc.getElementById(id) as HTMLInputElement).value = `${CANARY}1`;
      await tick(20);
      const values = only(s.all(), OpCode.Value);
      assert(values.length >= 3, `VALUE ops written (${values.length})`);
      assert(!bytesContain(s.frames, CANARY), 'canary found in frame bytes');
      s.cap.resync();
      assert(!bytesContain(s.frames, CANARY), 'canary found after resync');
    } finally {
      s.cap.stop();
      frame.remove();
    }
  });

  it('CSS-in-JS and adopted sheets in a same-origin frame (its own realm)', async () => {
    const { frame, doc } = await freshFrame('<head><style id=sc></style></head><body><x-a></x-a></body>');
    const win = doc.defaultView! as Window & typeof globalThis;
    const style = doc.getElementById('sc') as HTMLStyleElement;
    style.sheet!.insertRule('.pre{color:red}');
    const host = doc.querySelector('x-a')!;
    const sheet = new win.CSSStyleSheet();
    sheet.replaceSync(':host{display:block}');
    const root = host.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [sheet];
    const s = start(doc);
    try {
      const snap = s.ops[0]!;
      assert(
        only(snap, OpCode.SheetRules).some((r) => r.rules[0] === '.pre { color: red; }'),
        'pre-capture CSSOM rules in snapshot',
      );
      assert(only(snap, OpCode.Adopt).length === 1, 'adopt in snapshot');
      style.sheet!.insertRule('.live{color:blue}', 1);
      sheet.insertRule('p{margin:0}', 1);
      await tick(20);
      const delta = s.all().slice(snap.length);
      const ins = only(delta, OpCode.SheetInsert);
      eq(ins.length, 2, 'two inserts (owner sheet and constructed sheet)');
      assert(
        ins.some((o) => o.rule === '.live { color: blue; }' && o.ref % 2 === 0),
        'owner sheet insert',
      );
    } finally {
      s.cap.stop();
      frame.remove();
    }
  });

  it('form and viewport ops reference nodes the viewer has', async () => {
    const { frame, doc } = await freshFrame('<body><select id=s><option>a</option><option>b</option></select></body>');
    const s = start(doc);
    try {
      const select = doc.getElementById('s') as HTMLSelectElement;
      select.value = 'b';
      const late = doc.createElement('select');
      late.innerHTML = '<option>x</option><option>y</option>';
      doc.body.append(late);
      late.selectedIndex = 1; // same task as the insertion: the element encoding carries it
      await tick(20);
      const sel = only(s.all(), OpCode.Selected);
      eq(sel.length, 2, `only the first select's two options changed: ${JSON.stringify(sel)}`);
    } finally {
      s.cap.stop();
      frame.remove();
    }
  });
});

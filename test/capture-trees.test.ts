// What the capture's observed trees (src/capture/trees.ts) keep between a MutationObserver delivery and
// a deferred flush (batch: 'animation-frame'), checked at the wire.
import { assert, describe, it } from './helpers/assert.js';
import { framedCapture } from './helpers/framed-capture.js';
import { OpCode, type Op } from '../src/protocol/index.js';

type Tree = Extract<Op, { op: OpCode.Tree }>;
const raf = (win: Window) => new Promise<void>((r) => win.requestAnimationFrame(() => r()));
const microtasks = async () => {
  for (let i = 0; i < 3; i++) await Promise.resolve();
};

describe('capture: trees observed between a delivery and a deferred flush', () => {
  const start = framedCapture();

  it('a node detached at a delivery, changed while unobserved and put back is written again whole', async () => {
    const { doc, win, frames } = await start('<div id=a><p id=p>old text</p></div><div id=b></div>', { batch: 'animation-frame' });
    const p = doc.getElementById('p')!;
    p.remove();
    await microtasks(); // the observer delivers (the flush waits for the animation frame); p is no longer observed
    (p.firstChild as Text).data = 'changed while detached';
    doc.getElementById('b')!.append(p);
    await raf(win);
    await microtasks();
    const delta = frames.slice(1).flatMap((f) => f.ops);
    const trees = delta.filter((o): o is Tree => o.op === OpCode.Tree);
    const texts = trees.flatMap((t) => t.nodes.flatMap((n) => ('data' in n ? [n.data] : [])));
    assert(texts.includes('changed while detached'), `p written again with its new text: ${JSON.stringify(delta)}`);
    assert(!delta.some((o) => o.op === OpCode.Text), 'no TEXT op for the unobserved change (it is in the TREE)');
  });
});

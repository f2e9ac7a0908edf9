// Our capture. `cobrowse-capture` is aliased by run.mjs to src/index.ts (or, while that entry does
// not build yet, to src/capture/index.ts). Frames are copied as they arrive (a transport that queues
// them would have to), after their timestamp is taken.
import { capture } from 'cobrowse-capture';
import { FrameDecoder, OpCode } from '../../src/protocol/index.ts';

const OP_NAMES = Object.fromEntries(
  Object.entries(OpCode)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => [v, k]),
);

function concat(frames) {
  let n = 0;
  for (const f of frames) n += f.byteLength;
  const out = new Uint8Array(n);
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.byteLength;
  }
  return out;
}

window.__engine = {
  name: 'ours',
  start(doc, onEmit) {
    if (typeof capture !== 'function') throw new Error('capture is not exported');
    const handle = capture(doc, {
      onFrame: (f) => onEmit(f.slice()),
      onError: (e) => window.__benchErrors?.push(`capture onError: ${e?.stack || e}`),
    });
    return () => handle?.stop?.();
  },
  isSnapshot: (f) => f[1] === 0, // byte 1 = frame kind, 0 = SNAPSHOT (SPEC.md)
  whole: concat,
  each: (frames) => frames,
  /** Decodes every frame of the page in order (the string table needs all of them) and counts ops. */
  analyze(all, from) {
    const dec = new FrameDecoder();
    const ops = {};
    let treeNodes = 0;
    let frames = 0;
    let snapshots = 0;
    const sizes = [];
    try {
      all.forEach((bytes, i) => {
        const frame = dec.decode(bytes);
        dec.commit();
        if (i < from) return;
        frames++;
        sizes.push(bytes.byteLength);
        if (frame.kind === 'snapshot') snapshots++;
        for (const op of frame.ops) {
          const k = OP_NAMES[op.op] || String(op.op);
          ops[k] = (ops[k] || 0) + 1;
          if (op.op === OpCode.Tree) treeNodes += op.nodes.length;
        }
      });
    } catch (e) {
      return { decodeError: String(e), ops, treeNodes, frames };
    }
    sizes.sort((a, b) => b - a);
    return { frames, snapshots, ops, treeNodes, largestFrames: sizes.slice(0, 3) };
  },
};

// The agent's side of bench/apply.mjs: one Mirror, one snapshot frame. Measures, on this page only:
// decode and validate alone (each in its own task), then Mirror.apply from the call until the new
// document is in place (the `onApply` callback; a mirror without it finishes inside apply()), until
// the first frame painted after that (requestAnimationFrame, then a message posted from it: it runs
// once that frame's rendering is done), and the long tasks (PerformanceObserver 'longtask') of the
// whole window. `replace`: the mirror shows a snapshot of the same page first (a resync).
import { Mirror } from '../../src/mirror/index.ts';
import { watchStalls } from './stalls.js';
import { FrameDecoder } from '../../src/protocol/decoder.ts';
import { validateFrame } from '../../src/mirror/validate.ts';
import { NodeMap } from '../../src/mirror/nodes.ts';

const now = () => performance.now();
const task = () =>
  new Promise((r) => {
    const c = new MessageChannel();
    c.port1.onmessage = () => r();
    c.port2.postMessage(0);
  });
const painted = () => new Promise((r) => requestAnimationFrame(() => task().then(r)));

const longTasks = [];
new PerformanceObserver((list) => longTasks.push(...list.getEntries())).observe({ type: 'longtask', buffered: true });

function bytesOf(b64) {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Applies `bytes` to `mirror`; resolves with the time the new document was in place. */
function applyFrame(mirror, bytes, placed) {
  placed.at = null;
  mirror.apply(bytes);
  if (!('building' in mirror)) placed.at = now(); // a mirror that applies whole frames only
  return new Promise((resolve) => {
    const poll = () => (placed.at !== null ? resolve(placed.at) : setTimeout(poll, 1));
    poll();
  });
}

window.applyRun = async (b64, replace) => {
  const bytes = bytesOf(b64);
  const t0 = now();
  const frame = new FrameDecoder().decode(bytes);
  const decodeMs = now() - t0;
  await task();
  const t1 = now();
  validateFrame(frame, new NodeMap(), { has: () => false });
  const validateMs = now() - t1;
  const nodes = frame.ops.reduce((n, op) => n + (op.nodes?.length ?? 0), 0);
  await painted();

  const box = document.createElement('div');
  box.style.cssText = 'width:1024px;height:768px';
  document.body.replaceChildren(box);
  const placed = { at: null };
  const mirror = new Mirror(box, { onApply: () => (placed.at ??= now()) });
  if (replace) {
    await applyFrame(mirror, bytes, placed);
    await painted();
    await new Promise((r) => setTimeout(r, 200));
  }
  longTasks.length = 0;
  const watching = watchStalls();
  const start = now();
  await applyFrame(mirror, bytes, placed);
  const inPlace = placed.at;
  await painted();
  const paint = now();
  const stallMs = watching();
  await new Promise((r) => setTimeout(r, 100)); // the long-task entries of the window are delivered
  const inWindow = longTasks.filter((e) => e.startTime + e.duration > start && e.startTime < paint);
  const ok = mirror.document?.body?.querySelectorAll('*').length > nodes / 4;
  mirror.destroy();
  return {
    nodes,
    bytes: bytes.length,
    decodeMs,
    validateMs,
    applyMs: inPlace - start,
    paintMs: paint - start,
    longestTaskMs: Math.max(0, ...inWindow.map((e) => e.duration)),
    longTasks: inWindow.length,
    stallMs,
    ok,
  };
};

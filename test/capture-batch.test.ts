// When the capture writes its frames (CaptureOptions.batch, src/capture/capture.ts): 'auto' (the
// default) writes an isolated change at the end of its script and merges changes that come faster
// than a frame apart; a change held for an animation frame still goes out where there are none.
// Checked at the wire: what the frames say and how many there are, never how long anything took.
import { assert, assertEqual, describe, it } from './helpers/assert.js';
import { framedCapture } from './helpers/framed-capture.js';
import type { CaptureOptions } from '../src/capture/index.js';
import { OpCode } from '../src/protocol/index.js';

const microtasks = async () => {
  for (let i = 0; i < 3; i++) await Promise.resolve();
};
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
/** The next task (a message: no timer clamp, so tasks follow each other as fast as a busy page's). */
const nextTask = () =>
  new Promise<void>((r) => {
    waiting.push(r);
    channel.port2.postMessage(0);
  });
const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('capture: when frames are written (batch)', () => {
  const framed = framedCapture();

  /** The page's text node, and the data of the text ops of each delta so far. */
  async function start(batch: CaptureOptions['batch']) {
    const { doc, win, frames } = await framed('<p id=p>start</p>', batch ? { batch } : {});
    const deltas = () => frames.filter((f) => f.kind === 'delta').map((f) => f.ops.flatMap((o) => (o.op === OpCode.Text ? [o.data] : [])));
    return { text: doc.getElementById('p')!.firstChild as Text, win, deltas };
  }

  it('auto (the default): a change alone goes out at the end of its script, before any other task', async () => {
    const { text, deltas } = await start(undefined);
    await later(50); // nothing was sent lately
    text.data = 'one';
    await microtasks();
    assertEqual(deltas(), [['one']], 'written at the end of the script that made it');
  });

  it('auto: changes made faster than a frame apart are merged, and the last state arrives', async () => {
    const { text, deltas } = await start(undefined);
    await later(50);
    const N = 60;
    for (let i = 1; i <= N; i++) {
      text.data = `change ${i}`;
      await nextTask();
    }
    await later(200); // the held changes' animation frame (or their timer)
    const all = deltas().flat();
    assertEqual(all.at(-1), `change ${N}`, 'the page as it is now');
    assert(deltas().length < N / 2, `${N} changes in back-to-back tasks merged into fewer frames: ${deltas().length}`);
    assertEqual(deltas()[0]![0], 'change 1', 'the first change of the burst went out at once');
  });

  it("'immediate': one frame per script that changed something", async () => {
    const { text, deltas } = await start('immediate');
    for (let i = 1; i <= 10; i++) {
      text.data = `change ${i}`;
      await nextTask();
    }
    assertEqual(
      deltas(),
      Array.from({ length: 10 }, (_, i) => [`change ${i + 1}`]),
    );
  });

  it('a change held for an animation frame goes out in a document that gets none (a hidden tab)', async function () {
    this.timeout(10_000);
    const { text, win, deltas } = await start('animation-frame');
    // a hidden tab runs no animation frames (headless engines show every tab: the frame's window
    // is made to behave as a hidden one's)
    win.requestAnimationFrame = () => 0;
    text.data = 'while hidden';
    await microtasks();
    assertEqual(deltas(), [], 'held for an animation frame');
    for (let i = 0; i < 100 && !deltas().length; i++) await later(50);
    assertEqual(deltas(), [['while hidden']], 'sent without one');
  });
});

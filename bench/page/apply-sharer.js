// The customer's side of bench/apply.mjs: builds the bench's shop page (workloads.js) and captures it;
// `window.snapshotFrame(n)` resolves with the first (snapshot) frame, base64.
import { capture } from '../../src/index.ts';
import { workloads } from './workloads.js';

window.snapshotFrame = (nodes) =>
  new Promise((resolve, reject) => {
    workloads[`snapshot-${nodes / 1000}k`].setup();
    const handle = capture(document, {
      onFrame(frame) {
        setTimeout(() => handle.stop()); // the first frame may come before capture() returns
        let text = '';
        for (let i = 0; i < frame.length; i += 0x8000) text += String.fromCharCode(...frame.subarray(i, i + 0x8000));
        resolve(btoa(text));
      },
      onError: reject,
    });
  });

// rrweb page of bench/wire.mjs: rrweb@2.2.2 record() (default options) on the same workload; the
// events are returned as JSON strings (one message per event) and turned into wire bytes in Node.
import { record } from 'rrweb';
import { makeWorkloads, settle } from './wire-workloads.js';

const errors = [];
addEventListener('error', (e) => errors.push(String(e.error?.stack || e.message)));
const events = [];
let lastAt = 0;
window.__rr = {
  async run(name, params) {
    const W = makeWorkloads(params)[name];
    await W.setup?.();
    const stop = record({
      emit: (e) => {
        events.push(e);
        lastAt = performance.now();
      },
    });
    await settle(() => lastAt, 300);
    const from = events.length;
    await W.run();
    await settle(() => lastAt, 400);
    stop?.();
    const json = events.map((e) => JSON.stringify(e));
    return { before: json.slice(0, from), workload: json.slice(from), errors };
  },
};

// A tiny interceptable in-memory Transport pair for test/hardening/crypto-*.test.mjs (the same idea as
// test/helpers/pipe.ts, which is TypeScript for the browser runner). Delivery: one message per task,
// in order. `tap(from, data, index)` returns what to deliver instead ([] drops it); `inject` delivers
// bytes as if `from` had sent them; `idle()` resolves when nothing is left to deliver.
const channel = new MessageChannel();
const tasks = [];
// the port holds the process open only while something is queued (else node --test never exits)
channel.port1.onmessage = () => {
  tasks.shift()?.();
  if (!tasks.length) channel.port1.unref();
};
channel.port1.unref();
function later(fn) {
  tasks.push(fn);
  channel.port1.ref();
  channel.port2.postMessage(0);
}
/** Resolves after every task queued so far (and those they queue) has run. */
export function settle() {
  return new Promise((resolve) => {
    const check = () => (tasks.length ? later(check) : resolve());
    later(check);
  });
}

export function pipe() {
  const queues = { a: [], b: [] };
  const counts = { a: 0, b: 0 };
  let closed = false;
  const reasons = { a: 'remote', b: 'remote' };
  const other = (s) => (s === 'a' ? 'b' : 'a');
  const deliverOne = (from) => {
    const data = queues[from].shift();
    if (!data) return;
    const to = ends[other(from)];
    if (!to.closedFlag) to.onmessage?.(data);
  };
  const enqueue = (from, data) => {
    queues[from].push(data);
    later(() => deliverOne(from));
  };
  const makeEnd = (side) => {
    const end = {
      closedFlag: false,
      onmessage: null,
      onclose: null,
      get bufferedAmount() {
        return 0;
      },
      send(data) {
        if (closed) throw new Error('pipe closed');
        const copy = data.slice();
        p.log.push({ from: side, data: copy });
        const out = p.tap ? p.tap(side, copy, counts[side]++) : [copy];
        for (const d of out) enqueue(side, d);
      },
      close() {
        if (closed) return;
        closed = true;
        reasons.a = side === 'a' ? 'local' : 'remote';
        reasons.b = side === 'b' ? 'local' : 'remote';
        later(() => {
          while (queues.a.length || queues.b.length) {
            deliverOne('a');
            deliverOne('b');
          }
          for (const s of ['a', 'b']) {
            const e = ends[s];
            if (e.closedFlag) continue;
            e.closedFlag = true;
            e.onclose?.(reasons[s]);
          }
        });
      },
    };
    return end;
  };
  const ends = { a: makeEnd('a'), b: makeEnd('b') };
  const p = {
    a: ends.a,
    b: ends.b,
    log: [],
    tap: null,
    inject: (from, data) => enqueue(from, data),
    get closed() {
      return closed;
    },
  };
  return p;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export async function until(cond, ms = 3000, what = 'condition') {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(1);
  }
}

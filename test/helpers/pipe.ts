// An in-memory Transport pair for the secure-channel tests, with a tap on everything that crosses:
// the test sees every message (log), and may drop, modify, duplicate or hold one back (tap + inject).
// Delivery is asynchronous, one message per task (as a data channel delivers), in order; the
// sender's bufferedAmount counts bytes sent and not yet delivered, plus `extraBuffered` set by a test.
import type { Transport, TransportCloseReason } from '../../src/transport/transport.js';

export type Side = 'a' | 'b';

export interface PipeEnd extends Transport {
  readonly bufferedAmount: number;
  readonly closed: boolean;
}

export interface Pipe {
  a: PipeEnd;
  b: PipeEnd;
  /** every message handed to send(), in order, before any tap */
  log: Array<{ from: Side; data: Uint8Array }>;
  /**
   * Decides what is delivered for each message sent from `from` (index = its number in that
   * direction, from 0): the messages to deliver instead ([] drops it). Default: the message itself.
   */
  tap: ((from: Side, data: Uint8Array, index: number) => Uint8Array[]) | null;
  /** Delivers a message from `from` now-ish (after what is already queued), bypassing the tap. */
  inject(from: Side, data: Uint8Array): void;
  /** Added to both ends' bufferedAmount (to simulate a congested link). */
  extraBuffered: number;
}

const channel = new MessageChannel();
const tasks: Array<() => void> = [];
channel.port1.onmessage = () => tasks.shift()?.();
function later(fn: () => void): void {
  tasks.push(fn);
  channel.port2.postMessage(0);
}

export function pipe(): Pipe {
  const queues: Record<Side, Uint8Array[]> = { a: [], b: [] };
  const buffered: Record<Side, number> = { a: 0, b: 0 };
  const counts: Record<Side, number> = { a: 0, b: 0 };
  let closed = false;
  let closeReason: Record<Side, TransportCloseReason> = { a: 'remote', b: 'remote' };
  const other = (s: Side): Side => (s === 'a' ? 'b' : 'a');

  function deliverOne(from: Side): void {
    const data = queues[from].shift();
    if (!data) return;
    buffered[from] -= data.length;
    const to = ends[other(from)];
    if (!to.closedFlag) to.onmessage?.(data);
  }
  function enqueue(from: Side, data: Uint8Array): void {
    queues[from].push(data);
    buffered[from] += data.length;
    later(() => deliverOne(from));
  }

  function makeEnd(side: Side): PipeEnd & { closedFlag: boolean } {
    const end = {
      closedFlag: false,
      onmessage: null as ((data: Uint8Array) => void) | null,
      onclose: null as ((reason: TransportCloseReason) => void) | null,
      onprogress: null,
      get bufferedAmount() {
        return buffered[side] + p.extraBuffered;
      },
      get closed() {
        return end.closedFlag;
      },
      send(data: Uint8Array) {
        if (closed) throw new Error('pipe closed');
        const copy = data.slice();
        p.log.push({ from: side, data: copy });
        const out = p.tap ? p.tap(side, copy, counts[side]++) : [copy];
        for (const d of out) enqueue(side, d);
      },
      close() {
        if (closed) return;
        closed = true;
        closeReason = { a: side === 'a' ? 'local' : 'remote', b: side === 'b' ? 'local' : 'remote' };
        // what was sent before close still arrives, then both ends learn of the close
        later(() => {
          while (queues.a.length || queues.b.length) {
            deliverOne('a');
            deliverOne('b');
          }
          for (const s of ['a', 'b'] as const) {
            const e = ends[s];
            if (e.closedFlag) continue;
            e.closedFlag = true;
            e.onclose?.(closeReason[s]);
          }
        });
      },
    };
    return end;
  }
  const ends = { a: makeEnd('a'), b: makeEnd('b') };
  const p: Pipe = {
    a: ends.a,
    b: ends.b,
    log: [],
    tap: null,
    inject: (from, data) => enqueue(from, data),
    extraBuffered: 0,
  };
  return p;
}

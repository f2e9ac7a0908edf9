// The secure channel (src/secure) over an in-memory pipe the tests can tap: handshake and SAS,
// every rejection code, no plaintext on the wire, order, a 20 MB message with a responsive page.
import { openSecureChannel, SecureChannel, SecureError, randomSecret, encodeSecret, decodeSecret } from '../src/secure/index.js';
import type { SecureErrorCode } from '../src/secure/types.js';
import { assert, assertEqual, assertNotEqual, assertThrows, describe, it } from './helpers/assert.js';
import { watchStalls } from './helpers/stalls.js';
import { pipe, type Pipe, type PipeEnd } from './helpers/pipe.js';
import { DataFlag, RecordType } from '../src/secure/framing.js';
import { Receiver } from '../src/secure/receiver.js';
import { sealRecord } from '../src/secure/record.js';
import { SyncDeflate } from '../src/secure/deflate.js';
import { SyncInflate } from '../src/secure/sync-inflate.js';
import { nextTask } from '../src/dom/next-task.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function connect(p: Pipe = pipe(), secretV = randomSecret(), secretS = secretV, extra = {}) {
  const [viewer, sharer] = await Promise.all([
    openSecureChannel(p.a, { role: 'viewer', secret: secretV, handshakeTimeout: 2000, ...extra }),
    openSecureChannel(p.b, { role: 'sharer', secret: secretS, handshakeTimeout: 2000, ...extra }),
  ]);
  return { viewer, sharer, p };
}

/** Collects a channel's messages and its close. */
function watch(ch: SecureChannel) {
  const got: Uint8Array[] = [];
  const closed: { error: SecureError | null }[] = [];
  ch.onmessage = (m) => got.push(m);
  ch.onclose = (error) => closed.push({ error });
  return { got, closed };
}

async function until(cond: () => boolean, ms = 3000, what = 'condition') {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

/** Records are the pipe messages after the 3 handshake messages and the 2 CONFIRMs. */
function recordTap(p: Pipe, from: 'a' | 'b', nth: number, change: (d: Uint8Array) => Uint8Array[]) {
  // viewer (a) sends COMMIT, REVEAL, CONFIRM: its records start at index 3; the sharer (b) sends KEY, CONFIRM: index 2
  const first = from === 'a' ? 3 : 2;
  p.tap = (side, data, index) => (side === from && index === first + nth ? change(data) : [data]);
}

async function expectClose(w: ReturnType<typeof watch>, code: SecureErrorCode) {
  await until(() => w.closed.length > 0, 3000, `onclose(${code})`);
  assertEqual(w.closed.length, 1, 'onclose called once');
  assert(w.closed[0]!.error instanceof SecureError, `expected a SecureError, got ${String(w.closed[0]!.error)}`);
  assertEqual(w.closed[0]!.error!.code, code);
}

describe('secure channel: handshake', () => {
  it('agrees on keys: the same 6-digit SAS on both sides, messages both ways', async () => {
    const { viewer, sharer, p } = await connect();
    assert(/^\d{6}$/.test(viewer.sas), `SAS ${viewer.sas}`);
    assertEqual(viewer.sas, sharer.sas);
    const v = watch(viewer);
    const s = watch(sharer);
    viewer.send(enc.encode('hello sharer'));
    sharer.send(enc.encode('hello viewer'));
    await until(() => v.got.length === 1 && s.got.length === 1);
    assertEqual(dec.decode(s.got[0]), 'hello sharer');
    assertEqual(dec.decode(v.got[0]), 'hello viewer');
    // handshake: COMMIT 68, KEY 36, REVEAL 68 bytes, magic "CB" and version 1
    const hs = p.log.slice(0, 3);
    assertEqual(
      hs.map((m) => [m.from, m.data.length, m.data[0], m.data[1], m.data[2], m.data[3]]),
      [
        ['a', 68, 0x43, 0x42, 1, 1],
        ['b', 36, 0x43, 0x42, 1, 2],
        ['a', 68, 0x43, 0x42, 1, 3],
      ],
    );
    viewer.close();
    sharer.close();
  });

  it('different keys every time: two channels with the same secret have different SAS and traffic', async () => {
    const secret = randomSecret();
    const one = await connect(pipe(), secret);
    const two = await connect(pipe(), secret);
    assertNotEqual(one.p.log[0]!.data, two.p.log[0]!.data);
    assertNotEqual(one.p.log[1]!.data, two.p.log[1]!.data);
    one.viewer.close();
    two.viewer.close();
  });

  it('wrong secret: both sides fail with wrong-secret, no channel, no message', async () => {
    const p = pipe();
    const results = await Promise.allSettled([
      openSecureChannel(p.a, { role: 'viewer', secret: randomSecret() }),
      openSecureChannel(p.b, { role: 'sharer', secret: randomSecret() }),
    ]);
    for (const r of results) {
      assertEqual(r.status, 'rejected');
      const err = (r as PromiseRejectedResult).reason;
      assert(err instanceof SecureError, String(err));
      assertEqual(err.code, 'wrong-secret');
    }
    await until(() => p.a.closed && p.b.closed, 1000, 'transport closed');
  });

  it('a man in the middle who knows the secret and runs two handshakes: the SAS differ', async () => {
    const secret = randomSecret();
    const left = pipe(); // viewer ↔ mitm
    const right = pipe(); // mitm ↔ sharer
    const [viewer, mitmAsSharer, mitmAsViewer, sharer] = await Promise.all([
      openSecureChannel(left.a, { role: 'viewer', secret }),
      openSecureChannel(left.b, { role: 'sharer', secret }),
      openSecureChannel(right.a, { role: 'viewer', secret }),
      openSecureChannel(right.b, { role: 'sharer', secret }),
    ]);
    // the relay can read and forward everything...
    const s = watch(sharer);
    mitmAsSharer.onmessage = (m) => mitmAsViewer.send(m);
    viewer.send(enc.encode('relayed'));
    await until(() => s.got.length === 1);
    // ...but the codes the two people read to each other differ (equal with probability 1e-6)
    assertEqual(viewer.sas, mitmAsSharer.sas);
    assertEqual(sharer.sas, mitmAsViewer.sas);
    assertNotEqual(viewer.sas, sharer.sas);
    for (const c of [viewer, mitmAsSharer, mitmAsViewer, sharer]) c.close();
  });

  it('a commitment that does not match the revealed key fails the handshake', async () => {
    const p = pipe();
    p.tap = (side, data, index) => {
      if (side === 'a' && index === 1) data[10] ^= 1; // REVEAL: another key than committed
      return [data];
    };
    const secret = randomSecret();
    const results = await Promise.allSettled([
      openSecureChannel(p.a, { role: 'viewer', secret }),
      openSecureChannel(p.b, { role: 'sharer', secret }),
    ]);
    assertEqual((results[1] as PromiseRejectedResult).reason.code, 'handshake');
    assertEqual(results[0].status, 'rejected');
  });

  it('another version byte: both sides fail with version', async () => {
    const p = pipe();
    p.tap = (side, data, index) => {
      if (side === 'a' && index === 0) data[2] = 2; // COMMIT of a future version
      return [data];
    };
    const secret = randomSecret();
    const results = await Promise.allSettled([
      openSecureChannel(p.a, { role: 'viewer', secret }),
      openSecureChannel(p.b, { role: 'sharer', secret }),
    ]);
    for (const r of results) assertEqual((r as PromiseRejectedResult).reason?.code, 'version');
  });

  it('times out when the other side never answers: after its own handshakeTimeout, not before, not the default', async () => {
    const p = pipe();
    p.tap = (side, data) => (side === 'b' ? [] : [data]); // the sharer's answers are lost
    // no clock reading: the page's own timers mark the order of events. A timer set before the
    // channel's and due sooner fires first; the 5 s one is half the 10 s default, far past 150 ms.
    const order: string[] = [];
    const early = setTimeout(() => order.push('100 ms timer'), 100);
    const late = setTimeout(() => order.push('5 s timer'), 5000);
    const results = await Promise.allSettled([
      openSecureChannel(p.a, { role: 'viewer', secret: randomSecret(), handshakeTimeout: 150 }).finally(() => order.push('viewer failed')),
      openSecureChannel(p.b, { role: 'sharer', secret: randomSecret(), handshakeTimeout: 300 }),
    ]);
    clearTimeout(early);
    clearTimeout(late);
    assertEqual((results[0] as PromiseRejectedResult).reason?.code, 'timeout');
    assert(results[1].status === 'rejected', 'the sharer fails too');
    assertEqual(order, ['100 ms timer', 'viewer failed'], 'the viewer gave up after waiting, on its own 150 ms, not the default');
  });

  it('refuses a secret of the wrong size', async () => {
    const err = await openSecureChannel(pipe().a, { role: 'viewer', secret: new Uint8Array(8) }).catch((e) => e);
    assertEqual(err.code, 'handshake');
  });
});

describe('secure channel: rejected records', () => {
  // [what, code, tap, messages delivered before the rejection]
  const cases: Array<[string, SecureErrorCode, (p: Pipe) => void, string[]]> = [
    ['a tampered byte', 'tampered', (p) => recordTap(p, 'a', 1, (d) => ((d[d.length - 3] ^= 0x40), [d])), ['first']],
    ['a replayed record', 'replayed', (p) => recordTap(p, 'a', 1, (d) => [d, d.slice()]), ['first', 'second']],
    ['a truncated record', 'truncated', (p) => recordTap(p, 'a', 1, (d) => [d.subarray(0, 8)]), ['first']],
    ['a forged counter', 'tampered', (p) => recordTap(p, 'a', 1, (d) => ((d[0] = 5), [d])), ['first']],
  ];
  for (const [what, code, setup, delivered] of cases) {
    it(`${what} → ${code}: not delivered, the channel closes on both sides`, async () => {
      const p = pipe();
      setup(p);
      const { viewer, sharer } = await connect(p);
      const s = watch(sharer);
      const v = watch(viewer);
      for (const t of ['first', 'second', 'third']) viewer.send(enc.encode(`${t} message, long enough to be compressed`));
      await expectClose(s, code);
      assertEqual(
        s.got.map((m) => dec.decode(m).split(' ')[0]),
        delivered,
      );
      await until(() => v.closed.length === 1);
      assertEqual(v.closed[0]!.error?.code, 'closed'); // the sharer closed the transport: no CLOSE record
      assertThrows(() => viewer.send(new Uint8Array(1)));
    });
  }

  it('swapped records → reordered, neither delivered', async () => {
    const p = pipe();
    let held: Uint8Array | null = null;
    p.tap = (side, data, index) => {
      if (side !== 'a') return [data];
      if (index === 4) return ((held = data), []);
      if (index === 5) return [data, held!];
      return [data];
    };
    const { viewer, sharer } = await connect(p);
    const s = watch(sharer);
    for (const t of ['first', 'second', 'third']) viewer.send(enc.encode(`${t} message`));
    await expectClose(s, 'reordered');
    assertEqual(
      s.got.map((m) => dec.decode(m)),
      ['first message'],
    );
  });

  it('a compressed record from a viewer → compression: the sharer inflates nothing a viewer sends', () => {
    const key = crypto.getRandomValues(new Uint8Array(32));
    const message = enc.encode('hello '.repeat(20));
    const deflate = new SyncDeflate();
    const body = [deflate.push(message), deflate.flush()];
    const compressed = new Uint8Array(2 + body[0]!.length + body[1]!.length);
    compressed[0] = RecordType.Data | DataFlag.Start | DataFlag.End | DataFlag.Deflate;
    compressed[1] = message.length; // varint: < 128
    compressed.set(body[0]!, 2);
    compressed.set(body[1]!, 2 + body[0]!.length);
    const got: Uint8Array[] = [];
    const handlers = { message: (m: Uint8Array) => got.push(m), progress: () => {}, close: () => {} };
    // the viewer's receiver (with an inflater) takes it; the sharer's (none) refuses it, delivering nothing
    new Receiver(key, 0, 1 << 20, handlers, new SyncInflate()).receive(sealRecord(key, 0, compressed));
    assertEqual(got, [message]);
    const sharerSide = new Receiver(key, 0, 1 << 20, handlers, null);
    const err = assertThrows(() => sharerSide.receive(sealRecord(key, 0, compressed)));
    assert(
      err instanceof SecureError && err.code === 'compression' && /a compressed record from the viewer/.test(err.message),
      `SecureError(compression) saying why, got ${String(err)}`,
    );
    assertEqual(got.length, 1);
  });

  it('a message over the receiver limit → oversized, refused at its first record', async () => {
    const { viewer, sharer } = await connect(pipe(), randomSecret(), undefined, { maxMessageSize: 1000 });
    const s = watch(sharer);
    viewer.send(new Uint8Array(999).fill(7));
    viewer.send(new Uint8Array(200_000).fill(7));
    await expectClose(s, 'oversized');
    assertEqual(s.got.length, 1);
  });
});

describe('secure channel: data', () => {
  it('no plaintext crosses the pipe: canaries (short, long, big) never appear in any byte', async () => {
    // the sharer → viewer direction: the one that compresses (receiver.ts: only the sharer does)
    const { viewer: sharer, sharer: viewer, p } = await connect();
    const s = watch(sharer);
    const canary = 'CANARY-7f3a'; // short: sent without compression, so only encryption hides it
    const long = `${canary} `.repeat(50) + 'card 4111 1111 1111 1111';
    const big = new Uint8Array(300_000);
    for (let i = 0; i < big.length; i++) big[i] = canary.charCodeAt(i % canary.length);
    viewer.send(enc.encode(canary));
    viewer.send(enc.encode(long));
    viewer.send(big);
    await until(() => s.got.length === 3);
    assertEqual(dec.decode(s.got[0]), canary);
    assertEqual(s.got[2], big);
    const needles = [canary, '4111', 'CANARY'].map((t) => enc.encode(t));
    let bytes = 0;
    for (const { data } of p.log) {
      bytes += data.length;
      for (const n of needles) {
        for (let i = 0; i + n.length <= data.length; i++) {
          let j = 0;
          while (j < n.length && data[i + j] === n[j]) j++;
          assert(j < n.length, `plaintext ${dec.decode(n)} found on the wire at ${i}`);
        }
      }
    }
    assert(bytes > 0 && bytes < 300_000 / 10, `compressed on the wire: ${bytes} bytes`);
    viewer.close();
  });

  it("only the sharer compresses: a viewer's message crosses sealed but not deflated, the sharer's deflated", async () => {
    const { viewer, sharer, p } = await connect();
    const s = watch(sharer);
    const v = watch(viewer);
    const big = new Uint8Array(100_000).fill(65);
    viewer.send(big);
    await until(() => s.got.length === 1);
    const upBytes = p.log
      .filter((m) => m.from === 'a')
      .slice(3)
      .reduce((n, m) => n + m.data.length, 0);
    assert(upBytes > big.length, `viewer → sharer not compressed: ${upBytes} bytes for ${big.length}`);
    sharer.send(big);
    await until(() => v.got.length === 1);
    assertEqual(v.got[0], big);
    const downBytes = p.log
      .filter((m) => m.from === 'b')
      .slice(2)
      .reduce((n, m) => n + m.data.length, 0);
    assert(downBytes < big.length / 20, `sharer → viewer compressed: ${downBytes} bytes for ${big.length}`);
    viewer.close();
  });

  it('keeps order: 600 small and big messages interleaved, both directions', async () => {
    const { viewer, sharer } = await connect();
    const v = watch(viewer);
    const s = watch(sharer);
    const sent: Uint8Array[] = [];
    const sentBack: Uint8Array[] = [];
    for (let i = 0; i < 600; i++) {
      const size = i % 97 === 0 ? 150_000 + i * 100 : i % 13 === 0 ? 70_000 : 5 + (i % 300);
      const m = new Uint8Array(size);
      for (let j = 0; j < size; j++) m[j] = (i * 31 + ((j * 7) % 251) + (j >> 9)) & 255;
      m[0] = i & 255;
      sent.push(m);
      viewer.send(m);
      if (i % 3 === 0) {
        sentBack.push(m.slice(0, 40));
        sharer.send(m.slice(0, 40));
      }
    }
    await until(() => s.got.length === sent.length && v.got.length === sentBack.length, 20_000);
    for (let i = 0; i < sent.length; i++) assertEqual(s.got[i], sent[i], `message ${i}`);
    assertEqual(v.got, sentBack);
    viewer.close();
  });

  it('small messages take the synchronous fast path; the caller may reuse its buffer', async () => {
    const { viewer, sharer, p } = await connect();
    const s = watch(sharer);
    const before = p.log.length;
    const buf = enc.encode('a small delta frame of a few dozen bytes, typical of typing');
    viewer.send(buf);
    assertEqual(p.log.length, before + 1, 'sealed and handed to the transport inside send()');
    assertEqual(viewer.bufferedAmount, 0);
    buf.fill(0);
    await until(() => s.got.length === 1);
    assert(dec.decode(s.got[0]).startsWith('a small delta'));
    viewer.close();
  });

  it('waits while the transport is congested (bufferedAmount), then sends on', async () => {
    const { viewer, sharer, p } = await connect();
    const s = watch(sharer);
    p.extraBuffered = 2 * 1024 * 1024;
    const big = new Uint8Array(3_000_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
    const before = p.log.length;
    viewer.send(big);
    viewer.send(enc.encode('after'));
    await sleep(100);
    assertEqual(p.log.length, before, 'nothing sent while congested');
    assertEqual(viewer.bufferedAmount, big.length + 5);
    p.extraBuffered = 0;
    await until(() => s.got.length === 2, 10_000);
    assertEqual(s.got[0], big);
    assertEqual(viewer.bufferedAmount, 0);
    viewer.close();
  });

  it('bufferedAmount is 0 only once every message, an empty one too, was handed to the transport', async () => {
    const { viewer, sharer, p } = await connect();
    const s = watch(sharer);
    const big = new Uint8Array(200_000).map((_, i) => (i * 2654435761) >>> 24);
    const handed = () => p.log.filter((m) => m.from === 'a').length;
    const realNow = performance.now;
    let t = realNow.call(performance);
    // a slow machine: every slice takes the sender past its time budget, so it yields after each one
    // (the records fuzz met an empty message still queued behind a large one while this said 0)
    performance.now = () => (t += 10);
    let atZero: number;
    try {
      viewer.send(big);
      viewer.send(new Uint8Array(0));
      for (let i = 0; i < 10_000 && viewer.bufferedAmount > 0; i++) await nextTask();
      atZero = handed();
    } finally {
      performance.now = realNow;
    }
    await until(() => s.got.length === 2, 5000, 'both messages');
    assertEqual(s.got[1]!.length, 0, 'the empty message arrives, after the large one');
    assertEqual(handed(), atZero, 'nothing was handed to the transport after bufferedAmount said 0');
    viewer.close();
  });

  it('close(): the other side gets onclose(null), once; send after close throws closed', async () => {
    const { viewer, sharer } = await connect();
    const s = watch(sharer);
    const v = watch(viewer);
    viewer.send(enc.encode('last words'));
    viewer.close();
    viewer.close();
    await until(() => s.closed.length === 1);
    assertEqual(s.closed[0]!.error, null);
    assertEqual(v.closed, [{ error: null }]);
    assertEqual(
      s.got.map((m) => dec.decode(m)),
      ['last words'],
    );
    const err = assertThrows(() => viewer.send(new Uint8Array(3))) as SecureError;
    assertEqual(err.code, 'closed');
    await sleep(20);
    assertEqual(s.closed.length, 1);
  });

  it('a 20 MB message arrives intact with monotonic progress, and the page keeps ticking', async function () {
    this.timeout(120_000);
    const { viewer, sharer } = await connect();
    const s = watch(sharer);
    const progress: Array<[number, number]> = [];
    sharer.onprogress = (r, t) => progress.push([r, t]);
    // compressible but not trivial: words from a small vocabulary with random numbers, like a page
    const size = 20 * 1024 * 1024;
    const big = new Uint8Array(size);
    let x = 0x9e3779b9;
    for (let i = 0; i < size;) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      const word = (x >>> 0) % 5 === 0 ? String(x >>> 8) : ['div', 'class', 'item', 'price', 'span', ' ', '\n'][(x >>> 3) % 7]!;
      for (let j = 0; j < word.length && i < size; j++) big[i++] = word.charCodeAt(j);
    }
    const stalls = watchStalls();
    const t0 = performance.now();
    viewer.send(big);
    const sendReturned = performance.now() - t0;
    await until(() => s.got.length === 1, 100_000);
    const total = performance.now() - t0;
    const { longest, ticks } = stalls.stop();
    assertEqual(s.got[0]!.length, size);
    let same = true;
    for (let i = 0; i < size; i += 1)
      if (s.got[0]![i] !== big[i]) {
        same = false;
        break;
      }
    assert(same, 'the 20 MB message differs');
    assert(progress.length > 5, `${progress.length} progress events`);
    for (let i = 1; i < progress.length; i++) assert(progress[i]![0] >= progress[i - 1]![0], 'progress is monotonic');
    assertEqual(progress[progress.length - 1], [size, size]);
    assert(progress.every(([, t]) => t === size));
    console.log(
      `20 MB: ${total.toFixed(0)} ms end to end, send() returned in ${sendReturned.toFixed(1)} ms, longest gap between 10 ms ticks ${longest.toFixed(1)} ms, ${ticks} ticks, ${progress.length} progress events`,
    );
    assert(sendReturned < total / 4, `send() blocked ${sendReturned} ms`);
    // the page keeps running: the transfer is cut into many tasks, with the page's own timers between
    // them (relative checks only: the milliseconds are printed above, never asserted)
    assert(ticks >= 10, `the page's 10 ms timer ran ${ticks} times during the transfer`);
    assert(longest < total / 3, `the page stalled ${longest.toFixed(0)} ms of a ${total.toFixed(0)} ms transfer`);
    viewer.close();
  });
});

describe('secure channel: invitation secret', () => {
  it('randomSecret is 16 random bytes; encode/decode round-trip as base64url', () => {
    const a = randomSecret();
    assertEqual(a.length, 16);
    assertNotEqual(a, randomSecret());
    for (let n = 16; n <= 64; n++) {
      const s = new Uint8Array(n).map((_, i) => (i * 37 + n) & 255);
      const text = encodeSecret(s);
      assert(/^[A-Za-z0-9_-]+$/.test(text), text);
      assertEqual(decodeSecret(text), s);
    }
    assertEqual(encodeSecret(new Uint8Array(16).fill(255)), '_____________________w');
  });

  it('rejects bad input with SecureError(handshake)', () => {
    for (const bad of [
      '',
      'abc',
      'not base64!',
      'AAAA',
      encodeSecret(new Uint8Array(16)) + '=',
      '_____________________x',
      'A'.repeat(90),
    ]) {
      const err = assertThrows(() => decodeSecret(bad), `accepted ${bad}`) as SecureError;
      assert(err instanceof SecureError, String(err));
      assertEqual(err.code, 'handshake');
    }
  });
});

export type { PipeEnd };

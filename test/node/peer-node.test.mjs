// Node ↔ Node over a real data channel, RTCPeerConnection from @roamhq/wrtc (injected as `wrtc`,
// as with simple-peer). Runs on the compiled output: `npx tsc -p tsconfig.json && node --test test/node/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import wrtc from '@roamhq/wrtc';
import { createPeerTransport } from '../../build/transport/peer.js';
import { TransportError } from '../../build/transport/transport.js';

function pair() {
  const config = { iceServers: [] };
  let b = null;
  const a = createPeerTransport({ initiator: true, config, wrtc, onsignal: (s) => b.signal(s) });
  b = createPeerTransport({ initiator: false, config, wrtc, onsignal: (s) => a.signal(s) });
  return { a, b };
}

const message = (t) => new Promise((resolve) => (t.onmessage = resolve));
const closed = (t) => new Promise((resolve) => (t.onclose = resolve));

test('Node ↔ Node: connects, carries messages both ways, a 1 MiB chunked message (paced: wrtc reports no bufferedAmount), closes', async () => {
  const { a, b } = pair();
  await Promise.all([a.connected, b.connected]);

  const toB = message(b);
  a.send(new Uint8Array([1, 2, 3]));
  assert.deepEqual([...(await toB)], [1, 2, 3]);
  const toA = message(a);
  b.send(new Uint8Array([4, 5]));
  assert.deepEqual([...(await toA)], [4, 5]);

  // 1 MiB: 64 chunks. @roamhq/wrtc keeps `bufferedAmount` at 0 and never fires `bufferedamountlow`
  // (measured), so here every chunk goes straight into wrtc's own buffer: no backpressure in Node
  const big = new Uint8Array(randomBytes(1024 * 1024));
  let last = 0;
  b.onprogress = (received, total) => {
    assert.equal(total, big.length);
    assert.ok(received > last);
    last = received;
  };
  const arrived = message(b);
  a.send(big);
  const got = await arrived;
  assert.equal(last, big.length);
  assert.equal(Buffer.compare(Buffer.from(got), Buffer.from(big)), 0, 'the 1 MiB message changed');

  const aClosed = closed(a);
  const bClosed = closed(b);
  a.close();
  assert.equal(await aClosed, 'local');
  assert.equal(await bClosed, 'remote');
  assert.throws(
    () => b.send(new Uint8Array(1)),
    (e) => e instanceof TransportError && e.code === 'closed',
  );
});

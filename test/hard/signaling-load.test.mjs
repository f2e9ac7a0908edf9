// Issue 6 memory goal: the reference signaling server holds 10,000 sockets (chat + PeerJS, 4 per room)
// under 200 MB RSS. The server runs in its own process (bench/signaling-load.mjs); set-ups per second
// and per-socket memory are printed, not asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { runSignalingLoad } from '../../bench/signaling-load.mjs';

const SOCKETS = 10_000;
const limit = Number(execSync('ulimit -n', { shell: '/bin/sh' }).toString().trim());

test(`the server holds ${SOCKETS} sockets under 200 MB RSS`, { skip: limit < SOCKETS + 200 && `ulimit -n is ${limit}`, timeout: 300_000 }, async () => {
  const r = await runSignalingLoad({ sockets: SOCKETS, setupSeconds: 5, concurrency: 16 });
  assert.equal(r.sockets, SOCKETS, 'every socket stayed open');
  assert.ok(r.rssMB < 200, `server RSS ${r.rssMB.toFixed(0)} MB with ${SOCKETS} sockets`);
  assert.equal(r.setupsFailed, 0, 'no session set-up failed');
  assert.ok(r.setups > 0);
});

// Issue 6 memory goal: the reference signaling server holds 10,000 sockets (chat + PeerJS, 4 per room)
// under 200 MB RSS. The server runs in its own process (bench/signaling-load.mjs); set-ups per second
// and per-socket memory are printed, not asserted.
//
// This is the only check of that goal, so it never skips: the clients live in this process and the
// server's process inherits its limits, so both need `ulimit -n` ≥ 10,200. Node raises its soft limit
// to the hard limit at start-up, so what `ulimit -n` shows here is the most this process can get. When
// it is too low the test FAILS with what to do (.ci/run raises the hard limit before the hard suite).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { runSignalingLoad } from '../../bench/signaling-load.mjs';

const SOCKETS = 10_000;
const NEEDED = SOCKETS + 200;

/** This process's open-file limit, as its child shells see it ("unlimited" counts as enough). */
function fdLimit() {
  const text = execSync('ulimit -n', { shell: '/bin/sh' }).toString().trim();
  return text === 'unlimited' ? Infinity : Number(text);
}

test(`the server holds ${SOCKETS} sockets under 200 MB RSS`, { timeout: 300_000 }, async () => {
  const limit = fdLimit();
  assert.ok(
    limit >= NEEDED,
    `ulimit -n is ${limit}, the ${SOCKETS}-socket memory check needs ${NEEDED}: raise it before the hard suite ` +
      `(\`ulimit -n ${SOCKETS + 1000}\`, as root \`ulimit -Hn 65536\` first when the hard limit is lower; .ci/run does this)`,
  );
  const r = await runSignalingLoad({ sockets: SOCKETS, setupSeconds: 5, concurrency: 16 });
  assert.equal(r.sockets, SOCKETS, 'every socket stayed open');
  assert.ok(r.rssMB < 200, `server RSS ${r.rssMB.toFixed(0)} MB with ${SOCKETS} sockets`);
  assert.equal(r.setupsFailed, 0, 'no session set-up failed');
  assert.ok(r.setups > 0);
});

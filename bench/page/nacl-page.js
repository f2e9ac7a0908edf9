// Page of bench/nacl.mjs: our trimmed TweetNaCl (src/secure/nacl.ts) against tweetnacl 1.0.3's
// nacl-fast.js, on what the secure channel does: seal and open records, make a key pair and a shared
// key, and the whole handshake (src/secure/open.ts, both roles in this page over an in-memory pipe).
// Each result first proves that the work happened (same bytes from both libraries, a box that opens,
// equal shared keys and SAS); a failed check throws, and the bench fails.
import tweetnacl from 'tweetnacl';
import ours from '../../src/secure/nacl.ts';
import { openSecureChannel } from '../../src/secure/open.ts';
import { randomSecret } from '../../src/secure/secret.ts';
import { pipe } from '../../test/helpers/pipe.ts';

const LIBS = { ours, tweetnacl };

/**
 * Median milliseconds of one call of each function in `fns` ({ name: fn }). performance.now() is
 * coarsened to 0.1 ms in this (not cross-origin-isolated) page, so each sample times `batch` calls;
 * the functions take turns sample by sample, so a busy moment of the machine hits all of them alike.
 * One batch of each runs first, unmeasured (the JIT).
 */
function perCall(fns, { samples, batch }) {
  const entries = Object.entries(fns);
  for (const [, fn] of entries) for (let i = 0; i < batch; i++) fn();
  const times = Object.fromEntries(entries.map(([name]) => [name, []]));
  for (let s = 0; s < samples; s++) {
    for (const [name, fn] of s % 2 ? [...entries].reverse() : entries) {
      const t = performance.now();
      for (let i = 0; i < batch; i++) fn();
      times[name].push((performance.now() - t) / batch);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, xs]) => [name, xs.sort((a, b) => a - b)[xs.length >> 1]]));
}

function check(ok, what) {
  if (!ok) throw new Error(what);
}

const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

function random(n) {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(i + 65536, n)));
  return out;
}

/** secretbox seal and open of `size` bytes with each library; both must produce the same box. */
function records(size, runs) {
  const key = random(32);
  const nonce = random(24);
  const msg = random(size);
  const boxes = Object.fromEntries(Object.entries(LIBS).map(([name, lib]) => [name, lib.secretbox(msg, nonce, key)]));
  check(boxes.ours.length === size + 16, `ours sealed ${size} bytes into ${boxes.ours.length}`);
  check(same(boxes.ours, boxes.tweetnacl), `the two libraries sealed ${size} bytes differently`);
  for (const [name, lib] of Object.entries(LIBS)) {
    const opened = lib.secretbox.open(boxes[name], nonce, key);
    check(opened && same(opened, msg), `${name}: the ${size}-byte box did not open to the message`);
  }
  const each = (fn) => Object.fromEntries(Object.entries(LIBS).map(([name, lib]) => [name, () => fn(lib, name)]));
  return {
    seal: perCall(each((lib) => lib.secretbox(msg, nonce, key)), runs),
    open: perCall(each((lib, name) => lib.secretbox.open(boxes[name], nonce, key)), runs),
  };
}

/** A fresh key pair plus the shared key with the other side's public key: one side's handshake math. */
function keys(runs) {
  const fns = {};
  for (const [name, lib] of Object.entries(LIBS)) {
    const peer = lib.box.keyPair();
    const own = lib.box.keyPair();
    const shared = lib.scalarMult(own.secretKey, peer.publicKey);
    check(same(shared, lib.scalarMult(peer.secretKey, own.publicKey)), `${name}: the two sides got different shared keys`);
    check(!shared.every((b) => b === 0), `${name}: an all-zero shared key`);
    fns[name] = () => lib.scalarMult(lib.box.keyPair().secretKey, peer.publicKey);
  }
  // the two implementations agree with each other (ours is tweetnacl's X25519, not something else)
  const a = ours.box.keyPair();
  const b = tweetnacl.box.keyPair();
  check(same(ours.scalarMult(a.secretKey, b.publicKey), tweetnacl.scalarMult(b.secretKey, a.publicKey)), 'ours and tweetnacl disagree on X25519');
  return perCall(fns, runs);
}

/** The whole handshake of src/secure/open.ts, viewer and sharer in this page: start -> both channels open. */
async function handshakes(count) {
  const times = [];
  for (let i = 0; i < count + 1; i++) {
    const p = pipe();
    const secret = randomSecret();
    const t = performance.now();
    const [viewer, sharer] = await Promise.all([
      openSecureChannel(p.a, { role: 'viewer', secret }),
      openSecureChannel(p.b, { role: 'sharer', secret }),
    ]);
    const ms = performance.now() - t;
    check(viewer.sas === sharer.sas && viewer.sas.length > 0, `handshake ${i}: the two sides disagree on the SAS`);
    viewer.close();
    if (i > 0) times.push(ms); // the first one warms the JIT
  }
  times.sort((a, b) => a - b);
  return { median: times[times.length >> 1], min: times[0], max: times.at(-1), count };
}

window.__nacl = {
  async run() {
    return {
      record64k: records(64 * 1024, { samples: 15, batch: 20 }),
      record1m: records(1024 * 1024, { samples: 9, batch: 2 }),
      keys: keys({ samples: 9, batch: 3 }),
      handshake: await handshakes(15),
    };
  },
};

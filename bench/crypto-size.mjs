// The secure channel's crypto dependency (issue 14 chose `tweetnacl` as published; until then
// src/secure/nacl.ts was a copied subset of it, 6.6 KB min+gz with a 9x slower X25519). The same six
// operations the secure channel uses (random bytes, secretbox seal and open, an X25519 key pair and
// shared secret, SHA-512) from (a) `tweetnacl` as published, (b) the audited, tree-shakable
// @noble/ciphers + @noble/curves + @noble/hashes, each bundled alone by esbuild
// (minified, ESM, tree-shaken) and gzipped; then whether they agree byte for byte (the wire format
// must not change), and their speed in Node: sealing and opening 64 KiB records (the size of our
// biggest records), and a handshake's X25519 work.
//
//   node bench/crypto-size.mjs          (installs bench/crypto-libs with `npm ci` the first time)
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = fileURLToPath(new URL('..', import.meta.url));
const libs = join(root, 'bench/crypto-libs');

/** The TweetNaCl API, as src/secure/ calls it. */
const TWEETNACL = `
    import nacl from 'tweetnacl';
    export const random = (n) => nacl.randomBytes(n);
    export const seal = (m, n, k) => nacl.secretbox(m, n, k);
    export const open = (c, n, k) => nacl.secretbox.open(c, n, k);
    export const keyPair = () => nacl.box.keyPair();
    export const shared = (sk, pk) => nacl.scalarMult(sk, pk);
    export const hash = (m) => nacl.hash(m);`;

/** The same surface over each implementation: what src/secure/ calls. */
const ENTRIES = {
  'tweetnacl 1.0.3 (published)': TWEETNACL,
  '@noble/ciphers + curves + hashes 2.4.0': `
    import { secretbox } from '@noble/ciphers/salsa.js';
    import { x25519 } from '@noble/curves/ed25519.js';
    import { sha512 } from '@noble/hashes/sha2.js';
    import { randomBytes } from '@noble/hashes/utils.js';
    export const random = (n) => randomBytes(n);
    export const seal = (m, n, k) => secretbox(k, n).seal(m);
    export const open = (c, n, k) => { try { return secretbox(k, n).open(c); } catch { return null; } };
    export const keyPair = () => { const k = x25519.keygen(); return { publicKey: k.publicKey, secretKey: k.secretKey }; };
    export const shared = (sk, pk) => x25519.getSharedSecret(sk, pk);
    export const hash = (m) => sha512(m);`,
};

async function bundle(source) {
  const out = await build({
    stdin: { contents: source, resolveDir: libs, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0].text;
}

/** The bundle as a module we can call: written to a temporary file, imported. */
async function load(code, name) {
  const dir = mkdtempSync(join(tmpdir(), 'cb-crypto-'));
  const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.mjs`);
  writeFileSync(file, code);
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function time(fn, runs) {
  fn();
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) fn();
  return (performance.now() - t0) / runs;
}

async function main() {
  // the bundles are browser builds: tweetnacl finds its random source on `self.crypto` (in Node it
  // would require('crypto'), which a browser bundle cannot)
  globalThis.self ??= globalThis;
  if (!existsSync(join(libs, 'node_modules')))
    execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: libs, stdio: 'inherit' });
  const key = new Uint8Array(32).fill(7);
  const nonce = new Uint8Array(24).fill(9);
  const record = new Uint8Array(64 * 1024).map((_, i) => (i * 31) & 255);
  const rows = [];
  let reference;
  for (const [name, source] of Object.entries(ENTRIES)) {
    const code = await bundle(source);
    const lib = await load(code, name);
    const sealed = lib.seal(record, nonce, key);
    const alice = lib.keyPair();
    const bob = lib.keyPair();
    const facts = {
      sealed: Buffer.from(sealed).toString('base64').slice(0, 64) + sealed.length,
      hash: Buffer.from(lib.hash(record)).toString('hex'),
    };
    reference ??= { ...facts, lib };
    const agrees =
      facts.sealed === reference.sealed &&
      facts.hash === reference.hash &&
      Buffer.from(reference.lib.open(sealed, nonce, key) ?? []).equals(Buffer.from(record)) &&
      Buffer.from(lib.shared(alice.secretKey, bob.publicKey)).equals(Buffer.from(reference.lib.shared(bob.secretKey, alice.publicKey)));
    const tampered = sealed.slice();
    tampered[20] ^= 1;
    rows.push({
      name,
      min: code.length,
      gz: gzipSync(code, { level: 9 }).length,
      agrees: agrees && lib.open(tampered, nonce, key) === null,
      seal: time(() => lib.seal(record, nonce, key), 200),
      open: time(() => lib.open(sealed, nonce, key), 200),
      handshake: time(() => lib.shared(lib.keyPair().secretKey, bob.publicKey), 50),
    });
  }
  const wrong = rows.filter((r) => !r.agrees);
  if (wrong.length) {
    console.log(`FAILED: ${wrong.map((r) => r.name).join(', ')} disagree with tweetnacl or open a tampered record`);
    process.exit(1);
  }
  console.log(
    'implementation | min | min+gz | same bytes as tweetnacl, tamper refused | seal 64 KiB | open 64 KiB | key pair + shared secret',
  );
  for (const r of rows) {
    console.log(
      `${r.name} | ${(r.min / 1024).toFixed(1)} KB | ${(r.gz / 1024).toFixed(1)} KB | ${r.agrees ? 'yes' : 'NO'} | ${r.seal.toFixed(2)} ms (${(64 / 1024 / (r.seal / 1000)).toFixed(0)} MB/s) | ${r.open.toFixed(2)} ms | ${r.handshake.toFixed(2)} ms`,
    );
  }
}

await main();

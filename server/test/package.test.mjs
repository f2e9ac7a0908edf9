// The server as a contact center gets it: `npm pack` of server/, installed into an empty folder outside
// this repository with `npm install --omit=dev` (so nothing can resolve from the library's
// node_modules or its dev tooling), then started through the package's `cobrowse-rtc-server` bin.
// A dependency server/*.mjs imports but package.json does not declare fails here.
//
// npm reads the tarballs from its cache (`--prefer-offline`), the network only for what is not there.
// `--ignore-scripts`: better-sqlite3's install script compiles SQLite (a minute and more on a small
// machine, and the same build the repository's own install already ran); the binding is loaded when a
// database is opened, which the checks below do not do. Everything else is installed as a deployment
// would have it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { WebSocket } from 'ws';

const run = promisify(execFile);
const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
// the bins start with `#!/usr/bin/env node`: this node first in PATH; no NODE_PATH into the repository
const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}`, NODE_PATH: '' };

test('the packed server installs alone and its bin serves the API and the chat; SIGTERM stops it', { timeout: 300_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cb-server-pkg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tarball = await pack(dir);
  const app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'contact-center', version: '1.0.0', private: true }));
  await run('npm', ['install', '--omit=dev', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', tarball], {
    cwd: app,
    env,
    timeout: 240_000,
  });

  const bin = join(app, 'node_modules', '.bin', 'cobrowse-rtc-server');
  const child = spawn(bin, ['--port', '0'], {
    cwd: app,
    env: { ...env, AGENT_KEY: 'package-test-key' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => child.kill('SIGKILL'));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await address(child, exited);

  const created = await fetch(`${url}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Ada' }),
  });
  assert.equal(created.status, 201);
  const { room, token } = /** @type {{ room: string, token: string }} */ (await created.json());
  const listed = await fetch(`${url}/api/rooms`, { headers: { authorization: 'Bearer package-test-key' } });
  assert.deepEqual(
    (await listed.json()).map((/** @type {{ room: string }} */ r) => r.room),
    [room],
  );
  // the PeerJS relay (the `peer` dependency) is mounted and answers
  assert.equal((await fetch(`${url}/peerjs`)).status, 200);

  const welcome = await firstMessage(`${url.replace(/^http/, 'ws')}/chat?token=${encodeURIComponent(token)}`);
  assert.equal(welcome.type, 'welcome');
  assert.equal(welcome.room, room);

  child.kill('SIGTERM');
  assert.deepEqual(await exited, { code: 0, signal: null }, 'SIGTERM closes the server and exits 0');

  // the second bin: the administrator's reader of the audit store, refusing a missing file
  const admin = await run(join(app, 'node_modules', '.bin', 'cobrowse-rtc-admin'), ['verify', '--db', join(dir, 'none.db')], {
    env: { ...env, SIGNALING_DATA_KEY: Buffer.alloc(32, 7).toString('base64') },
  }).then(
    () => ({ code: 0, stderr: '' }),
    (/** @type {{ code: number, stderr: string }} */ err) => err,
  );
  assert.equal(admin.code, 1);
  assert.match(admin.stderr, /no database/);
});

test('the packed files import exactly the packages server/package.json declares', async () => {
  // a dependency of a dependency (express and ws come with peer) installs without being declared, so
  // the install above cannot catch a missing declaration: the imports are compared with the list
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', SERVER_DIR], { env });
  const [{ files }] = /** @type {{ files: { path: string }[] }[]} */ (JSON.parse(stdout));
  const imported = new Set();
  for (const { path } of files.filter((f) => f.path.endsWith('.mjs'))) {
    const source = readFileSync(join(SERVER_DIR, path), 'utf8');
    for (const [, spec] of source.matchAll(/(?:^import [^'"]*|^export [^'"]* from |\bimport\()\s*['"]([^'"./][^'"]*)['"]/gm)) {
      if (!spec.startsWith('node:')) imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    }
  }
  const pkg = JSON.parse(readFileSync(join(SERVER_DIR, 'package.json'), 'utf8'));
  const declared = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies ?? {})];
  assert.deepEqual([...imported].sort(), declared.sort());
  assert.ok(files.some((f) => f.path === 'bin.mjs') && files.every((f) => !f.path.startsWith('test')), 'the bin ships, the tests do not');
});

/** `npm pack` of server/ into `dir`; the tarball's path. @param {string} dir */
async function pack(dir) {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir, SERVER_DIR], { env });
  const [{ filename }] = JSON.parse(stdout);
  return join(dir, filename);
}

/**
 * The address the bin prints once it listens.
 * @param {import('node:child_process').ChildProcessWithoutNullStreams} child @param {Promise<unknown>} exited
 * @returns {Promise<string>}
 */
function address(child, exited) {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (/** @type {Buffer} */ d) => {
      out += d;
      const m = /signaling server on (http:\/\/\S+)/.exec(out);
      if (m) resolve(/** @type {string} */ (m[1]));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then(() => reject(new Error(`the bin exited before listening:\n${out}`)));
  });
}

/** @param {string} url @returns {Promise<{ type: string, room?: string }>} */
function firstMessage(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('message', (data) => {
      resolve(JSON.parse(String(data)));
      ws.close();
    });
    ws.once('error', reject);
    ws.once('close', (code) => reject(new Error(`closed (${code}) before a message`)));
  });
}

// The encrypted store at rest (server/STORE.md): sealing, the file on disk, wrong keys, tampering,
// the events the real server records, restarts, the admin CLI and endpoint.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openStore, StoreError } from '../store/index.mjs';
import { checkMask } from '../mask-summary.mjs';
import { startServer, createRoom, chat, peerjs, sleep } from '../test-support/helpers.mjs';

const ADMIN = fileURLToPath(new URL('../admin.mjs', import.meta.url));
const STORE_INDEX = fileURLToPath(new URL('../store/index.mjs', import.meta.url));
// written by the sql.js store this one replaces (KEY below): 4 events in rooms OldRoomId0000001/2
const SQLJS_FIXTURE = fileURLToPath(new URL('./fixtures/sqljs-store-v1.db', import.meta.url));
const dirs = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'cobrowse-store-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const KEY = Buffer.alloc(32, 3).toString('base64');
const OTHER_KEY = Buffer.alloc(32, 4).toString('base64');
const SECRET = Buffer.alloc(16, 9).toString('base64url');

/** Runs the admin CLI; resolves with { code, stdout, stderr }. */
function admin(args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ADMIN, ...args], { env: { PATH: process.env.PATH, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Edits the raw database file with SQL (what an attacker with the file, but not the key, can do). */
async function editFile(file, sql) {
  const db = new Database(file);
  db.exec(sql);
  db.close();
}

/** The bytes of the database and its WAL (where the newest rows are until SQLite folds them in). */
function rawBytes(file) {
  return Buffer.concat([file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
}

test('round trip: events come back as recorded, filtered by room, kind and time', async () => {
  const dir = tmp();
  const store = await openStore({ dataDir: dir, key: KEY });
  const t0 = Date.now();
  const a = store.record('room-a', 'chat.text', { from: { role: 'customer', name: 'Ann', peer: 'p1' }, text: 'hello ✓' }, t0);
  store.record('room-b', 'participant.joined', { role: 'agent', name: 'Bo', peer: 'p2', address: '10.0.0.2' }, t0 + 10);
  store.record('room-a', 'cobrowse.invited', { by: { role: 'agent', name: 'Bo', peer: 'p2' } }, t0 + 20);
  assert.equal(a, 1);
  await store.close();

  const again = await openStore({ dataDir: dir, key: KEY, readOnly: true });
  try {
    const all = again.events();
    assert.deepEqual(
      all.map((e) => [e.id, e.room, e.kind]),
      [
        [1, 'room-a', 'chat.text'],
        [2, 'room-b', 'participant.joined'],
        [3, 'room-a', 'cobrowse.invited'],
      ],
    );
    assert.deepEqual(all[0].data, { from: { role: 'customer', name: 'Ann', peer: 'p1' }, text: 'hello ✓' });
    assert.equal(all[1].at, t0 + 10);
    assert.deepEqual(
      again.transcript('room-a').map((e) => e.data.text),
      ['hello ✓'],
    );
    assert.deepEqual(
      again.events({ room: 'room-a' }).map((e) => e.id),
      [1, 3],
    );
    assert.deepEqual(
      again.events({ since: t0 + 10 }).map((e) => e.id),
      [2, 3],
    );
    assert.deepEqual(
      again.events({ excludeKinds: ['chat.text'] }).map((e) => e.id),
      [2, 3],
    );
    assert.deepEqual(again.events({ room: 'nobody' }), []);
    assert.deepEqual(again.verify(), { rows: 3, unreadable: [], missing: [] });
    assert.equal(again.record('room-a', 'chat.text', {}), 0, 'a read-only store records nothing');
  } finally {
    await again.close();
  }
});

test('the file on disk holds no plaintext: no chat text, names, addresses, room ids (database and WAL, open and closed)', async () => {
  const dir = tmp();
  const file = join(dir, 'signaling.db');
  const store = await openStore({ dataDir: dir, key: KEY });
  const room = 'RoomIdCanary0001';
  store.record(room, 'room.created', { customerName: 'Zebediah Canary', address: '203.0.113.77' });
  store.record(room, 'chat.text', {
    from: { role: 'customer', name: 'Zebediah Canary', peer: 'PeerCanary' },
    text: 'my card is 4111-canary-1111',
  });
  store.record(room, 'cobrowse.accepted', { mask: { text: ['.secret-canary-class'] } });
  const canaries = ['Canary', 'canary', '203.0.113.77', room, 'PeerCanary', '4111'];
  const check = (raw, when) => {
    for (const canary of canaries) {
      assert.equal(raw.includes(Buffer.from(canary)), false, `${when}: "${canary}" is on disk in clear`);
      assert.equal(raw.includes(Buffer.from(canary, 'utf16le')), false, `${when}: "${canary}" is on disk as UTF-16`);
    }
    assert.ok(raw.includes(Buffer.from('chat.text')), `${when}: the kind is in clear (queries need it)`);
  };
  // while the writer runs, the rows are in the WAL (the only place they are: not yet checkpointed)
  assert.ok(existsSync(`${file}-wal`), 'the store writes ahead to a WAL');
  check(readFileSync(`${file}-wal`), 'in the WAL');
  for (const f of [file, `${file}-wal`, `${file}-shm`]) assert.equal(statSync(f).mode & 0o777, 0o600, `${f} is private`);
  await store.close();
  check(rawBytes(file), 'after close');
  assert.equal(statSync(file).mode & 0o777, 0o600, 'the database file is private');
  assert.deepEqual(readdirSync(dir).sort(), ['signaling.db'], 'close folds the WAL in: one file left, no lock');
});

test('a wrong, malformed or missing key, or not a store: a clear error, never garbage', async () => {
  const dir = tmp();
  const file = join(dir, 'signaling.db');
  const store = await openStore({ file, key: KEY });
  store.record('r', 'chat.text', { text: 'x' });
  await store.close();

  const wrong = await openStore({ file, key: OTHER_KEY }).then(
    () => null,
    (e) => e,
  );
  assert.ok(wrong instanceof StoreError);
  assert.equal(wrong.code, 'wrong-key');
  assert.match(wrong.message, /key check failed/);
  const bytesAfter = readFileSync(file);
  const reopened = await openStore({ file, key: KEY, readOnly: true });
  assert.equal(reopened.events().length, 1, 'a refused key changed nothing');
  await reopened.close();
  assert.deepEqual(readFileSync(file), bytesAfter);

  await assert.rejects(openStore({ file, key: Buffer.alloc(31).toString('base64') }), {
    code: 'bad-key',
    message: /31 bytes: it must be 32/,
  });
  await assert.rejects(openStore({ file, key: 'not base64!' }), { code: 'bad-key' });
  await assert.rejects(openStore({ file }), { code: 'no-key' });
  await assert.rejects(openStore({ file, keyFile: join(dir, 'nope.key') }), { code: 'no-key', message: /does not exist/ });
  await assert.rejects(openStore({ file: join(dir, 'other.db'), key: KEY, readOnly: true }), { code: 'missing' });
  writeFileSync(join(dir, 'text.db'), 'hello, not a database');
  await assert.rejects(openStore({ file: join(dir, 'text.db'), key: KEY }), { code: 'not-a-store' });
  assert.equal(readFileSync(join(dir, 'text.db'), 'utf8'), 'hello, not a database', 'a foreign file is never overwritten');
});

test('a development key file is created with mode 0600, reused, and a readable one is warned about', async () => {
  const dir = tmp();
  const store = await openStore({ dataDir: dir, createKey: true });
  const keyFile = join(dir, 'signaling.key');
  assert.equal(store.keyCreated, keyFile);
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  assert.equal(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64').length, 32);
  store.record('r', 'chat.text', { text: 'x' });
  await store.close();
  const logs = [];
  chmodSync(keyFile, 0o644);
  const again = await openStore({ dataDir: dir, createKey: true, log: (l) => logs.push(l) });
  assert.equal(again.keyCreated, null, 'an existing key is never replaced');
  assert.equal(again.events().length, 1);
  assert.match(logs.join('\n'), /can be read by other users/);
  await again.close();
});

test('a tampered row is reported as such; every other row still reads', async () => {
  const dir = tmp();
  const file = join(dir, 'signaling.db');
  const store = await openStore({ file, key: KEY });
  for (let i = 1; i <= 5; i++) store.record(i === 4 ? 'room-b' : 'room-a', 'chat.text', { text: `message ${i}` });
  await store.close();
  // row 2: one bit of the sealed body flipped; row 3: moved to room-b (its clear room tag replaced)
  await editFile(
    file,
    `
    UPDATE events SET sealed = substr(sealed, 1, 40) || X'00' || substr(sealed, 42) WHERE id = 2;
    UPDATE events SET room_tag = (SELECT room_tag FROM events WHERE id = 4) WHERE id = 3;`,
  );
  const again = await openStore({ file, key: KEY, readOnly: true });
  try {
    const all = again.events();
    assert.deepEqual(
      all.map((e) => e.data?.text ?? e.error.split(':')[0]),
      ['message 1', 'tampered', 'tampered', 'message 4', 'message 5'],
    );
    assert.match(all[1].error, /does not open/);
    assert.match(all[2].error, /do not match/);
    assert.equal(all[2].room, undefined, 'nothing of a tampered row is trusted');
    assert.deepEqual(again.verify().unreadable, [2, 3]);
  } finally {
    await again.close();
  }
  const cli = await admin(['transcript', '--room', 'room-a', '--db', file], { SIGNALING_DATA_KEY: KEY });
  assert.equal(cli.code, 3);
  assert.match(cli.stdout, /message 1/);
  assert.match(cli.stdout, /message 5/);
  assert.match(cli.stdout, /TAMPERED/);
  assert.match(cli.stderr, /1 row\(s\) could not be trusted/);
  const verify = await admin(['verify', '--db', file], { SIGNALING_DATA_KEY: KEY });
  assert.equal(verify.code, 3, verify.stdout);
  assert.match(verify.stdout, /tampered rows \(2\): 2, 3\n/);
});

test('the CLI takes a room id that starts with a dash (one generated id in 32 does)', async () => {
  const dir = tmp();
  const file = join(dir, 'signaling.db');
  const store = await openStore({ file, key: KEY });
  store.record('-Xq9', 'chat.text', { text: 'dash room' });
  store.record('other', 'chat.text', { text: 'other room' });
  await store.close();
  const cli = await admin(['transcript', '--room', '-Xq9', '--db', file], { SIGNALING_DATA_KEY: KEY });
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /dash room/);
  assert.doesNotMatch(cli.stdout, /other room/);
});

test('deleted rows show: a gap, or a cut tail below the sealed head', async () => {
  const dir = tmp();
  const file = join(dir, 'signaling.db');
  const store = await openStore({ file, key: KEY });
  for (let i = 1; i <= 6; i++) store.record('r', 'chat.text', { text: `m${i}` });
  await store.close();
  await editFile(file, 'DELETE FROM events WHERE id IN (2, 6)');
  const again = await openStore({ file, key: KEY, readOnly: true });
  assert.deepEqual(again.verify(), { rows: 4, unreadable: [], missing: [2, 6] });
  await again.close();
  const cli = await admin(['verify', '--db', file], { SIGNALING_DATA_KEY: KEY });
  assert.equal(cli.code, 3);
  assert.match(cli.stdout, /missing rows \(deleted\) \(2\): 2, 6/);
});

test('every event is committed when `record` returns: a reader in another process sees it at once', async () => {
  const dir = tmp();
  const file = join(dir, 'signaling.db');
  const store = await openStore({ file, key: KEY, flushMs: 60_000 });
  try {
    store.record('r', 'chat.text', { text: 'one' });
    const first = await admin(['transcript', '--room', 'r', '--db', file, '--json'], { SIGNALING_DATA_KEY: KEY });
    assert.equal(first.code, 0, first.stderr);
    const texts = (/** @type {string} */ out) =>
      out
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).data.text);
    assert.deepEqual(texts(first.stdout), ['one'], 'no flush, no timer: on disk already');
    store.record('r', 'chat.text', { text: 'two' });
    const second = await admin(['transcript', '--room', 'r', '--db', file, '--json'], { SIGNALING_DATA_KEY: KEY });
    assert.deepEqual(texts(second.stdout), ['one', 'two']);
  } finally {
    await store.close();
  }
  assert.deepEqual(readdirSync(dir), ['signaling.db'], 'the CLI left no -wal/-shm behind once the writer closed');
  const alone = await admin(['verify', '--db', file], { SIGNALING_DATA_KEY: KEY });
  assert.equal(alone.code, 0, alone.stdout);
  assert.deepEqual(readdirSync(dir), ['signaling.db'], 'a reader with no writer running leaves no -wal/-shm either');
});

test('a writer killed mid-stream (SIGKILL) loses no event it acknowledged', async () => {
  const dir = tmp();
  const file = join(dir, 'signaling.db');
  // the child records as fast as it can and prints each id once `record` has returned it
  const script = `
    import { openStore } from ${JSON.stringify(STORE_INDEX)};
    const store = await openStore({ file: ${JSON.stringify(file)}, key: ${JSON.stringify(KEY)} });
    for (let i = 1; ; i++) {
      const id = store.record('room-' + (i % 7), 'chat.text', { text: 'message ' + i });
      process.stdout.write(id + '\\n');
      if (i % 200 === 0) await new Promise((r) => setImmediate(r)); // let the kill land anywhere
    }`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const acked = [];
  let buffered = '';
  // 'close', not 'exit': every ack the child wrote before it died is read, not only those read so far
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve(signal ?? code)));
  await new Promise((resolve, reject) => {
    const watchdog = setTimeout(
      () => reject(new Error(`the writer acknowledged only ${acked.length} events within 60 s: ${stderr}`)),
      60_000,
    );
    child.stdout.on('data', (d) => {
      buffered += d;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const l of lines) acked.push(Number(l));
      if (acked.length >= 3000 && !child.killed) {
        child.kill('SIGKILL'); // mid-stream: the loop never stops by itself
        clearTimeout(watchdog);
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`the writer exited by itself: ${stderr}`)));
  });
  assert.equal(await exited, 'SIGKILL');
  for (const l of buffered.split('\n')) if (/^\d+$/.test(l)) acked.push(Number(l)); // the last ones in the pipe
  assert.deepEqual(acked.slice(0, 5), [1, 2, 3, 4, 5], 'ids were acknowledged');
  assert.ok(existsSync(`${file}-wal`), 'killed before any close: the WAL is still there');

  // a new writer (the restarted server) takes over the dead one's lock and replays the WAL
  const again = await openStore({ file, key: KEY });
  try {
    const stored = new Map(again.events().map((e) => [e.id, e]));
    const lost = acked.filter((id) => stored.get(id)?.data?.text !== `message ${id}`);
    assert.deepEqual(lost, [], `acknowledged but lost or wrong (of ${acked.length} acknowledged, ${stored.size} stored)`);
    const v = again.verify();
    assert.deepEqual([v.unreadable, v.missing, v.headError], [[], [], undefined], 'every row opens, none missing');
    assert.equal(again.record('room-1', 'chat.text', { text: 'after the crash' }), stored.size + 1, 'ids continue');
  } finally {
    await again.close();
  }
});

test('a store written by the earlier sql.js version is read, written and verified as it is', async () => {
  const dir = tmp();
  const file = join(dir, 'signaling.db');
  copyFileSync(SQLJS_FIXTURE, file);
  const probe = new Database(file, { readonly: true });
  assert.equal(probe.pragma('journal_mode', { simple: true }), 'delete', 'the fixture is what sql.js wrote: rollback journal, not WAL');
  probe.close();

  // the CLI reads it without changing it
  const before = readFileSync(file);
  const cli = await admin(['transcript', '--room', 'OldRoomId0000001', '--db', file], { SIGNALING_DATA_KEY: KEY });
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /^2026-11-25T10:00:02\.000Z {2}#3 {2}customer "Olga Oldfile": written by sql\.js\n$/);
  assert.deepEqual(readFileSync(file), before, 'a reader converts nothing');

  // a server on it: the history is there, new events follow it, the file becomes WAL
  const server = await startServer({ audit: { file, key: KEY } });
  try {
    assert.deepEqual(
      server.audit.events().map((e) => [e.id, e.room, e.kind]),
      [
        [1, 'OldRoomId0000001', 'room.created'],
        [2, 'OldRoomId0000001', 'participant.joined'],
        [3, 'OldRoomId0000001', 'chat.text'],
        [4, 'OldRoomId0000002', 'chat.text'],
      ],
    );
    const { room } = await createRoom(server, 'Nina New');
    assert.deepEqual(
      server.audit.events({ room }).map((e) => [e.id, e.kind]),
      [[5, 'room.created']],
    );
  } finally {
    await server.close();
  }
  const after = new Database(file, { readonly: true });
  assert.equal(after.pragma('journal_mode', { simple: true }), 'wal', 'migrated to WAL by the first writer');
  after.close();
  const verify = await admin(['verify', '--db', file], { SIGNALING_DATA_KEY: KEY });
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /: 5 rows\n/);
});

test('mask descriptions: checked, normalized, size-limited', () => {
  assert.deepEqual(checkMask({ text: ['.a', ' #b '], block: '.cards', inputs: 'sensitive' }), {
    text: ['.a', '#b'],
    block: ['.cards'],
    inputs: 'sensitive',
  });
  assert.deepEqual(checkMask({}), {});
  assert.throws(() => checkMask([]), /must be an object/);
  assert.throws(() => checkMask({ inputs: 'some' }), /"all", "sensitive" or "none"/);
  assert.throws(() => checkMask({ colour: ['x'] }), /unknown field "colour"/);
  assert.throws(() => checkMask({ text: [''] }), /non-empty string/);
  assert.throws(() => checkMask({ text: [1] }), /non-empty string/);
  assert.throws(() => checkMask({ text: Array(33).fill('.a') }), /at most 32/);
  assert.throws(() => checkMask({ text: ['x'.repeat(257)] }), /at most 256 characters/);
  assert.throws(() => checkMask({ text: Array(32).fill('x'.repeat(100)) }), /over 2048 bytes/);
});

test('the real server records a whole co-browse, survives a restart, and the CLI and endpoint read it', async () => {
  const dir = tmp();
  const audit = { dataDir: dir, createKey: true, flushMs: 50 };
  let server = await startServer({ audit, adminKey: 'test-admin-key' });
  assert.equal(server.audit.keyCreated, join(dir, 'signaling.key'));
  let room;
  let secretLeaked;
  try {
    const created = await createRoom(server, 'Carol Canary');
    room = created.room;
    const customer = await chat(server, created.token);
    const agent = await chat(server, server.agentToken(room, 'Alice Canary'));
    customer.send({ type: 'text', text: 'hello, my order canary-42 is late' });
    await agent.next('text');
    agent.send({ type: 'text', text: 'let me look' });
    await customer.next((m) => m.type === 'text' && m.from.role === 'agent');
    agent.send({ type: 'invite' });
    await customer.next('invite');

    // bad input: refused with a clear error, nothing recorded, the invitation still pending
    const before = server.audit.events().length;
    customer.send({ type: 'accept', invitation: { peer: customer.welcome.peer.id, secret: SECRET }, mask: { inputs: 'everything' } });
    const refused = await customer.next('error');
    assert.equal(refused.code, 'malformed');
    assert.match(refused.message, /mask\.inputs/);
    assert.equal(server.audit.events().length, before);

    const mask = { text: ['.account-number'], block: ['#saved-cards'], inputs: 'sensitive' };
    customer.send({ type: 'accept', invitation: { peer: customer.welcome.peer.id, secret: SECRET }, mask });
    const accepted = await agent.next('accept');
    assert.deepEqual(accepted.mask, mask, 'the agent sees what the customer says is masked');

    // the agent's viewer dials the customer's sharer over PeerJS
    const sharerPeer = await peerjs(server, customer.welcome);
    const viewerPeer = await peerjs(server, agent.welcome);
    for (let i = 0; i < 2; i++)
      viewerPeer.send({ type: 'OFFER', dst: customer.welcome.peer.id, payload: { type: 'offer', sdp: 'v=0 canary 198.51.100.9' } });
    await sharerPeer.next('OFFER');
    await sharerPeer.next('OFFER');

    agent.send({ type: 'end', reason: 'resolved' });
    await customer.next('end');
    agent.close();
    await customer.next('leave');

    const events = server.audit.events({ room });
    assert.deepEqual(
      events.map((e) => e.kind),
      [
        'room.created',
        'participant.joined',
        'participant.joined',
        'chat.text',
        'chat.text',
        'cobrowse.invited',
        'cobrowse.accepted',
        'cobrowse.viewing',
        'cobrowse.ended',
        'participant.left',
      ],
      'one viewing event per viewer connection, however many OFFERs',
    );
    const byKind = (k) => events.find((e) => e.kind === k).data;
    assert.equal(byKind('room.created').customerName, 'Carol Canary');
    assert.match(byKind('room.created').address, /127\.0\.0\.1/);
    assert.deepEqual(events[2].data.role, 'agent');
    assert.equal(events[2].data.name, 'Alice Canary');
    assert.match(events[2].data.address, /127\.0\.0\.1/);
    assert.equal(byKind('cobrowse.invited').by.role, 'agent');
    const acc = byKind('cobrowse.accepted');
    assert.deepEqual(acc.mask, mask);
    assert.equal(acc.sharer, customer.welcome.peer.id);
    assert.equal(acc.session, accepted.id);
    const viewing = byKind('cobrowse.viewing');
    assert.deepEqual(viewing.viewer, { role: 'agent', name: 'Alice Canary', peer: agent.welcome.peer.id });
    assert.equal(viewing.session, accepted.id);
    assert.match(viewing.address, /127\.0\.0\.1/);
    assert.deepEqual(byKind('cobrowse.ended'), {
      by: agent.welcome.participants.find((p) => p.role === 'agent'),
      reason: 'resolved',
      state: 'active',
      session: accepted.id,
    });
    assert.equal(byKind('participant.left').name, 'Alice Canary');
    assert.deepEqual(
      server.audit.transcript(room).map((e) => [e.data.from.role, e.data.text]),
      [
        ['customer', 'hello, my order canary-42 is late'],
        ['agent', 'let me look'],
      ],
    );
    secretLeaked = JSON.stringify(events).includes(SECRET);
    customer.close();
    sharerPeer.close();
    viewerPeer.close();
    await sleep(50);
  } finally {
    await server.close();
  }
  assert.equal(secretLeaked, false, 'the invitation secret is never stored');
  const raw = readFileSync(join(dir, 'signaling.db'));
  for (const canary of ['Canary', 'canary', room, SECRET, '198.51.100.9', '127.0.0.1', 'account-number']) {
    assert.equal(raw.includes(Buffer.from(canary)), false, `"${canary}" is on disk in clear`);
  }

  // a restart on the same database: the history is there, new events continue after it
  server = await startServer({ audit, adminKey: 'test-admin-key' });
  try {
    assert.equal(server.audit.keyCreated, null);
    const old = server.audit.events({ room });
    assert.equal(old.filter((e) => e.kind === 'chat.text').length, 2);
    assert.equal(old.at(-1).kind, 'participant.left');
    const next = await createRoom(server, 'Dan');
    const c = await chat(server, next.token);
    c.send({ type: 'text', text: 'second run' });
    await c.next('text');
    const fresh = server.audit.events({ room: next.room });
    assert.ok(fresh[0].id > old.at(-1).id, 'ids keep increasing across restarts');

    // GET /api/audit: the admin key, and live data
    const noKey = await fetch(`${server.url}/api/audit`);
    assert.equal(noKey.status, 401);
    const wrongKey = await fetch(`${server.url}/api/audit`, { headers: { authorization: 'Bearer test-agent-key' } });
    assert.equal(wrongKey.status, 401, 'the agent key is not the admin key');
    const auth = { headers: { authorization: 'Bearer test-admin-key' } };
    const live = await (await fetch(`${server.url}/api/audit?room=${next.room}&kinds=chat.text`, auth)).json();
    assert.deepEqual(
      live.events.map((e) => e.data.text),
      ['second run'],
    );
    const limited = await (await fetch(`${server.url}/api/audit?limit=2`, auth)).json();
    assert.equal(limited.events.length, 2);
    assert.equal(limited.truncated, true);
    const bad = await fetch(`${server.url}/api/audit?since=yesterday`, auth);
    assert.equal(bad.status, 400);
    c.close();
  } finally {
    await server.close();
  }

  // the admin CLI, spawned, reading the same file with the same key file
  const audited = await admin(['audit', '--data-dir', dir, '--room', room]);
  assert.equal(audited.code, 0, audited.stderr);
  const lines = audited.stdout.trim().split('\n');
  assert.equal(lines.length, 9, audited.stdout); // created, 2 joined, invited, accepted, viewing, ended, 2 left
  assert.match(audited.stdout, /created for "Carol Canary" from .*127\.0\.0\.1/);
  assert.match(audited.stdout, /agent "Alice Canary" asked to see the page/);
  assert.match(
    audited.stdout,
    /customer "Carol Canary" accepted: session \d+, sharer peer \S+; masking: text \[\.account-number\]; block \[#saved-cards\]; inputs sensitive/,
  );
  assert.match(audited.stdout, /agent "Alice Canary" started viewing session \d+ \(sharer peer \S+\) from .*127\.0\.0\.1/);
  assert.match(audited.stdout, /agent "Alice Canary" ended session \d+: resolved/);
  assert.doesNotMatch(audited.stdout, /order canary-42/, 'the audit log is not the transcript');
  const json = await admin(['audit', '--data-dir', dir, '--json']);
  const parsed = json.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.ok(
    parsed.some((e) => e.room !== room),
    'without --room: every room',
  );
  const since = await admin(['audit', '--data-dir', dir, '--json', '--since', new Date(Date.now() + 60_000).toISOString()]);
  assert.equal(since.stdout, '');
  const transcript = await admin(['transcript', '--data-dir', dir, '--room', room]);
  assert.equal(transcript.code, 0);
  assert.match(transcript.stdout, /customer "Carol Canary": hello, my order canary-42 is late\n.*agent "Alice Canary": let me look\n$/);
  const wrong = await admin(['audit', '--db', join(dir, 'signaling.db')], { SIGNALING_DATA_KEY: OTHER_KEY });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /key check failed/);
  assert.equal(wrong.stdout, '');
  const missing = await admin(['audit', '--db', join(dir, 'nope.db')], { SIGNALING_DATA_KEY: KEY });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no database at/);
  assert.equal(existsSync(join(dir, 'nope.db')), false, 'reading never creates a database');
  const usage = await admin(['transcript', '--data-dir', dir]);
  assert.equal(usage.code, 1);
  assert.match(usage.stderr, /transcript needs --room/);
  const badDate = await admin(['audit', '--data-dir', dir, '--since', 'last tuesday']);
  assert.match(badDate.stderr, /is not a date/);
});

test('the CLI never sends control characters from chat text to the terminal', async () => {
  const dir = tmp();
  const store = await openStore({ dataDir: dir, key: KEY });
  store.record('r', 'chat.text', {
    from: { role: 'customer', name: 'Eve' },
    text: 'hi\u001b]0;pwned\u0007\n2026-01-01T00:00:00.000Z  #99  agent "Bob": forged line',
  });
  await store.close();
  const out = await admin(['transcript', '--data-dir', dir, '--room', 'r'], { SIGNALING_DATA_KEY: KEY });
  assert.equal(out.code, 0);
  assert.equal(out.stdout.trim().split('\n').length, 1, 'a newline in a message cannot forge a line');
  // eslint-disable-next-line no-control-regex -- the raw ESC byte is what must not get through
  assert.doesNotMatch(out.stdout, /\u001b/);
  assert.match(out.stdout, /\\u001b\]0;pwned\\u0007\\u000a/);
});

test('a server without `audit` keeps nothing and has no audit endpoint', async () => {
  const server = await startServer({ adminKey: 'k' });
  try {
    assert.equal(server.audit, null);
    const res = await fetch(`${server.url}/api/audit`, { headers: { authorization: 'Bearer k' } });
    assert.equal(res.status, 404);
  } finally {
    await server.close();
  }
});

test('a server refuses to start on a wrong key, and the database is untouched', async () => {
  const dir = tmp();
  const first = await startServer({ audit: { dataDir: dir, key: KEY } });
  await first.close();
  const bytes = readFileSync(join(dir, 'signaling.db'));
  await assert.rejects(startServer({ audit: { dataDir: dir, key: OTHER_KEY } }), { code: 'wrong-key' });
  assert.deepEqual(readFileSync(join(dir, 'signaling.db')), bytes);
});

test('the TypeScript reference chat carries `mask` with the accept: relayed normalized, and audited', async () => {
  const { importSignaling } = await import('../test-support/build.mjs');
  const { WebSocket } = await import('ws');
  const sig = await importSignaling();
  const dir = tmp();
  const server = await startServer({ audit: { dataDir: dir, key: KEY } });
  try {
    const { room, token } = await createRoom(server, 'Carol');
    const customer = await sig.connectReferenceChat({ url: server.url, token, WebSocket });
    const agent = await sig.connectReferenceChat({ url: server.url, token: server.agentToken(room, 'Alice'), WebSocket });
    const invited = new Promise((r) => (customer.oninvite = r));
    agent.invite();
    await invited;
    const accepted = new Promise((r) => (agent.onaccept = r));
    customer.accept({ peer: customer.welcome.peer.id, secret: SECRET, mask: { text: '.account-number', inputs: 'all' } });
    const ev = await accepted;
    assert.deepEqual(ev.mask, { text: ['.account-number'], inputs: 'all' });
    assert.deepEqual(server.audit.events({ room, kinds: ['cobrowse.accepted'] })[0].data.mask, {
      text: ['.account-number'],
      inputs: 'all',
    });
    customer.close();
    agent.close();
  } finally {
    await server.close();
  }
});

test('several writers on one file: two servers on one store both record, with one sequence of ids, and take no lock', async () => {
  const dir = tmp();
  // a lock file an earlier version (one writer per file) left behind, naming a live process: ignored
  writeFileSync(join(dir, 'signaling.db.lock'), String(process.pid));
  const a = await startServer({ audit: { dataDir: dir, key: KEY } });
  const b = await startServer({ audit: { dataDir: dir, key: KEY } });
  let rooms;
  try {
    rooms = [(await createRoom(a, 'Ann')).room, (await createRoom(b, 'Bob')).room, (await createRoom(a, 'Cy')).room];
    const expected = rooms.map((room, i) => [i + 1, room, 'room.created']);
    assert.deepEqual(
      a.audit.events().map((e) => [e.id, e.room, e.kind]),
      expected,
      'server A sees what B recorded, in commit order',
    );
    assert.deepEqual(
      b.audit.events().map((e) => [e.id, e.room, e.kind]),
      expected,
    );
    assert.deepEqual(a.audit.verify(), { rows: 3, unreadable: [], missing: [] });
  } finally {
    await a.close();
    await b.close();
  }
  const r = await openStore({ dataDir: dir, key: KEY, readOnly: true });
  assert.deepEqual(
    r.events().map((e) => e.room),
    rooms,
  );
  await r.close();
  await assert.rejects(openStore({ dataDir: dir, key: OTHER_KEY }), { code: 'wrong-key' }, 'a writer with another key is still refused');
});

test('a data folder that cannot be made: a clear error at start-up, not lost events later', async () => {
  const dir = tmp();
  writeFileSync(join(dir, 'a-file'), '');
  await assert.rejects(openStore({ dataDir: join(dir, 'a-file', 'data'), key: KEY }), {
    code: 'io',
    message: /cannot create .*a-file\/data\/signaling\.db/,
  });
  await assert.rejects(openStore({ dataDir: join(dir, 'a-file', 'data'), createKey: true }), { code: 'io', message: /key file/ });
});

test('a server shutting down records who was still connected as having left', async () => {
  const dir = tmp();
  const server = await startServer({ audit: { dataDir: dir, key: KEY } });
  const { room, token } = await createRoom(server, 'Carol');
  await chat(server, token);
  await server.close();
  const r = await openStore({ dataDir: dir, key: KEY, readOnly: true });
  assert.deepEqual(
    r.events({ room }).map((e) => e.kind),
    ['room.created', 'participant.joined', 'participant.left'],
  );
  await r.close();
});

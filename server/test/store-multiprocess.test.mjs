// Several server processes on one host writing one audit store (server/STORE.md, "Several
// processes"): real child processes, each with its own SQLite connection, appending at once while
// another process reads and verifies; and the cross-host layout, one file per host merged by the CLI.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openStore } from '../store/index.mjs';

const ADMIN = fileURLToPath(new URL('../admin.mjs', import.meta.url));
const STORE_INDEX = fileURLToPath(new URL('../store/index.mjs', import.meta.url));
const KEY = Buffer.alloc(32, 5).toString('base64');
const WRITERS = 3;
const PER_WRITER = 2000;
const dirs = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'cobrowse-store-mp-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

// One writer: waits for the parent's "go" (so every writer creates/opens the file at the same moment),
// records COUNT events tagged with its number and sequence, and sends back the id `record` returned
// for each, and anything the store logged (a failed record is logged and returns 0).
const WRITER = `
  import { openStore } from ${JSON.stringify(STORE_INDEX)};
  const { FILE, KEY, WRITER, COUNT } = process.env;
  const writer = Number(WRITER);
  const logs = [];
  const go = new Promise((resolve) => process.once('message', resolve)); // listening before saying ready
  process.send('ready');
  await go;
  const store = await openStore({ file: FILE, key: KEY, flushMs: 5, log: (line) => logs.push(line) });
  const ids = [];
  for (let seq = 0; seq < Number(COUNT); seq++) {
    ids.push(store.record('room-' + (seq % 7), 'chat.text', { writer, seq, text: 'writer ' + writer + ' says ' + seq }));
    // paced like a server between requests: SQLite's busy wait is a backoff, not a queue, so a writer
    // in a tight loop keeps retaking the lock and the others wait until it is done (bench/audit-store.mjs)
    if (seq % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await store.close();
  process.send({ ids, logs }, () => process.disconnect());
`;

/** Starts one writer process; `ready` resolves once it has loaded, `result` with what it sent back. */
function startWriter(/** @type {string} */ file, /** @type {number} */ writer, /** @type {number} */ count) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', WRITER], {
    env: { PATH: process.env.PATH, FILE: file, KEY, WRITER: String(writer), COUNT: String(count) },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  /** @type {Promise<void>} */
  const ready = new Promise((resolve) => child.once('message', () => resolve()));
  /** @type {Promise<{ ids: number[], logs: string[] }>} */
  const result = new Promise((resolve, reject) => {
    let sent = null;
    child.on('message', (m) => typeof m === 'object' && (sent = m));
    child.on('close', (code) =>
      sent && code === 0 ? resolve(sent) : reject(new Error(`writer ${writer} exited ${code} without its result: ${stderr}`)),
    );
  });
  return { child, ready, result, go: () => child.send('go') };
}

/**
 * Reads the store from this process while the writers run, verifying each snapshot. Returns the row
 * counts it saw and the snapshots that were not whole (a row unreadable, an id missing, the sealed
 * head ahead of the rows it could see).
 */
async function readWhile(/** @type {string} */ file, /** @type {() => boolean} */ running) {
  /** @type {number[]} */
  const seen = [];
  /** @type {string[]} */
  const broken = [];
  let reader = null;
  while (running()) {
    if (!reader) {
      // the first writer may not have created the file (or its tables) yet
      reader = await openStore({ file, key: KEY, readOnly: true }).catch((err) => {
        if (err.code === 'missing' || err.code === 'not-a-store') return null;
        throw err;
      });
    }
    if (reader) {
      const v = reader.verify();
      seen.push(v.rows);
      if (v.unreadable.length || v.missing.length || v.headError) {
        broken.push(
          `at ${v.rows} rows: unreadable ${v.unreadable.slice(0, 5)}, missing ${v.missing.slice(0, 5)}${v.missing.length > 5 ? '…' : ''}, head ${v.headError ?? 'ok'}`,
        );
      }
    }
    await sleep(2);
  }
  await reader?.close();
  return { seen, broken };
}

/** Runs the admin CLI; resolves with { code, stdout, stderr }. */
function admin(/** @type {string[]} */ args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ADMIN, ...args], { env: { PATH: process.env.PATH, SIGNALING_DATA_KEY: KEY } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test(
  `${WRITERS} processes append ${PER_WRITER} events each to one new file while another reads: every event once, in each writer's order, nothing reported as tampered`,
  { timeout: 180_000 },
  async () => {
    const dir = tmp();
    const file = join(dir, 'signaling.db');
    const writers = Array.from({ length: WRITERS }, (_, w) => startWriter(file, w, PER_WRITER));
    await Promise.all(writers.map((w) => w.ready));
    for (const w of writers) w.go(); // all at once, on a file none of them has created yet
    let done = false;
    const results = Promise.all(writers.map((w) => w.result)).finally(() => (done = true));
    const [sent, { seen, broken }] = await Promise.all([results, readWhile(file, () => !done)]);

    for (const [w, { ids, logs }] of sent.entries()) {
      assert.deepEqual(logs, [], `writer ${w} logged failures`);
      assert.equal(ids.filter((id) => id > 0).length, PER_WRITER, `writer ${w}: every record returned an id`);
    }
    assert.deepEqual(broken.slice(0, 3), [], `the reader saw ${broken.length} broken snapshots of ${seen.length}`);
    assert.ok(
      seen.some((rows) => rows > 0 && rows < WRITERS * PER_WRITER),
      `the reader read while the writers wrote (it saw ${JSON.stringify(seen.slice(0, 20))}…)`,
    );

    const store = await openStore({ file, key: KEY, readOnly: true });
    try {
      const events = store.events();
      const ids = events.map((e) => e.id);
      assert.equal(events.length, WRITERS * PER_WRITER, 'every event is stored');
      assert.deepEqual(
        ids,
        Array.from({ length: ids.length }, (_, i) => i + 1),
        'ids are unique, dense and increasing',
      );
      assert.deepEqual(
        events.filter((e) => e.error),
        [],
        'no row reads as tampered',
      );
      for (const [w, { ids: acked }] of sent.entries()) {
        const mine = events.filter((e) => e.data.writer === w);
        assert.deepEqual(
          mine.map((e) => e.data.seq),
          Array.from({ length: PER_WRITER }, (_, i) => i),
          `writer ${w}: each event exactly once, in its order`,
        );
        assert.deepEqual(
          mine.map((e) => e.id),
          acked,
          `writer ${w}: the ids it was given are the rows holding its events`,
        );
      }
      // one writer after the other would change writer WRITERS - 1 times along the ids
      const switches = events.filter((e, i) => i > 0 && e.data.writer !== events[i - 1].data.writer).length;
      assert.ok(switches > WRITERS - 1, `the writers' events interleave (${switches} changes of writer along the ids)`);
      assert.deepEqual(store.verify(), { rows: WRITERS * PER_WRITER, unreadable: [], missing: [] });
    } finally {
      await store.close();
    }
    const clean = await admin(['verify', '--db', file]);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);

    // tampering is still found: one bit of one row's sealed body, in the middle of the interleaving;
    // and the last two rows cut (the head the writers sealed covers every row)
    const total = WRITERS * PER_WRITER;
    const victim = Math.floor(total / 2);
    const db = new Database(file);
    db.prepare("UPDATE events SET sealed = substr(sealed, 1, 40) || X'00' || substr(sealed, 42) WHERE id = ?").run(victim);
    db.prepare('DELETE FROM events WHERE id > ?').run(total - 2);
    db.close();
    const tampered = await openStore({ file, key: KEY, readOnly: true });
    try {
      assert.deepEqual(tampered.verify(), { rows: total - 2, unreadable: [victim], missing: [total - 1, total] });
    } finally {
      await tampered.close();
    }
    const cli = await admin(['verify', '--db', file]);
    assert.equal(cli.code, 3, cli.stdout);
    assert.match(
      cli.stdout,
      new RegExp(`tampered rows \\(1\\): ${victim}\\nmissing rows \\(deleted\\) \\(2\\): ${total - 1}, ${total}\\n`),
    );
  },
);

test('across hosts, one store file each: the CLI reads several files as one log, merged by time, each event naming its file', async () => {
  const dir = tmp();
  const [fileA, fileB] = [join(dir, 'host-a.db'), join(dir, 'host-b.db')];
  const [a, b] = [await openStore({ file: fileA, key: KEY }), await openStore({ file: fileB, key: KEY })];
  const t0 = Date.parse('2026-03-01T09:00:00Z');
  // one chat whose customer is served by host A and whose agent by host B; times interleave, and
  // the last two lines share a millisecond (the order the files are named in decides)
  const from = (/** @type {string} */ role) => ({ role, name: role === 'customer' ? 'Carol' : 'Alice', peer: role });
  a.record('room-1', 'participant.joined', { ...from('customer'), address: '198.51.100.1' }, t0);
  b.record('room-1', 'participant.joined', { ...from('agent'), address: '198.51.100.2' }, t0 + 5);
  a.record('room-1', 'chat.text', { from: from('customer'), text: 'one (A)' }, t0 + 10);
  b.record('room-1', 'chat.text', { from: from('agent'), text: 'two (B)' }, t0 + 20);
  b.record('room-1', 'chat.text', { from: from('agent'), text: 'three (B)' }, t0 + 30);
  a.record('room-1', 'chat.text', { from: from('customer'), text: 'four (A)' }, t0 + 40);
  b.record('room-1', 'chat.text', { from: from('agent'), text: 'five (B, same ms)' }, t0 + 50);
  a.record('room-1', 'chat.text', { from: from('customer'), text: 'six (A, same ms)' }, t0 + 50);
  a.record('room-2', 'chat.text', { from: from('customer'), text: 'another room' }, t0 + 15);
  await a.close();
  await b.close();

  const both = ['--db', fileA, '--db', fileB];
  const transcript = await admin(['transcript', '--room', 'room-1', ...both]);
  assert.equal(transcript.code, 0, transcript.stderr);
  assert.deepEqual(transcript.stdout.trim().split('\n'), [
    `2026-03-01T09:00:00.010Z  ${fileA}#2  customer "Carol": one (A)`,
    `2026-03-01T09:00:00.020Z  ${fileB}#2  agent "Alice": two (B)`,
    `2026-03-01T09:00:00.030Z  ${fileB}#3  agent "Alice": three (B)`,
    `2026-03-01T09:00:00.040Z  ${fileA}#3  customer "Carol": four (A)`,
    `2026-03-01T09:00:00.050Z  ${fileA}#4  customer "Carol": six (A, same ms)`,
    `2026-03-01T09:00:00.050Z  ${fileB}#4  agent "Alice": five (B, same ms)`,
  ]);
  const json = await admin(['audit', '--json', '--room', 'room-1', ...both]);
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(
    json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .map((e) => [e.store, e.id, e.kind, e.data.role]),
    [
      [fileA, 1, 'participant.joined', 'customer'],
      [fileB, 1, 'participant.joined', 'agent'],
    ],
  );
  const one = await admin(['transcript', '--room', 'room-1', '--db', fileB, '--json']);
  assert.deepEqual(
    one.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).data.text),
    ['two (B)', 'three (B)', 'five (B, same ms)'],
    'one file reads as before',
  );
  assert.equal(JSON.parse(one.stdout.split('\n')[0]).store, undefined, 'one file: events carry no `store`');
  const twice = await admin(['transcript', '--room', 'room-2', '--db', fileA, '--db', join(dir, '.', 'host-a.db')]);
  assert.equal(twice.stdout.trim().split('\n').length, 1, 'a file named twice is read once');

  const verified = await admin(['verify', ...both]);
  assert.equal(verified.code, 0, verified.stdout);
  assert.match(verified.stdout, new RegExp(`${fileA}: 5 rows\\n.*\\n${fileB}: 4 rows\\n`));

  // a row changed in B's file: that file is named as the tampered one; A's events still read
  const db = new Database(fileB);
  db.prepare('UPDATE events SET at = at + 1 WHERE id = 3').run();
  db.close();
  const after = await admin(['transcript', '--room', 'room-1', ...both]);
  assert.equal(after.code, 3);
  assert.match(after.stdout, new RegExp(`${fileB}#3  chat\\.text  TAMPERED`));
  assert.match(after.stdout, /one \(A\)[\s\S]*four \(A\)/);
  const bad = await admin(['verify', ...both]);
  assert.equal(bad.code, 3);
  assert.match(bad.stdout, new RegExp(`${fileA}: 5 rows\\nevery row opens.*\\n${fileB}: 4 rows\\ntampered rows \\(1\\): 3\\n`));
  const missing = await admin(['verify', ...both, '--db', join(dir, 'host-c.db')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no database at .*host-c\.db/);
});

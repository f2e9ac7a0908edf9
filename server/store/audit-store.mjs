// @ts-check
// The signaling server's record at rest: chat transcripts and the audit log, one table of events.
// In clear only what queries need: a keyed tag of the room id, the event kind, the time. Everything
// else (names, chat text, addresses, masking rules, the room id itself) is a JSON body sealed with
// secretbox under the server key. Appended row by row to an SQLite file in WAL mode. Format: server/STORE.md.
import { openDatabaseFile } from './db-file.mjs';
import { createSealer, StoreError } from './seal.mjs';

export const FORMAT = 'cobrowse-rtc-store';
export const VERSION = 1;
/** The kind of a chat text; every other kind is an audit event. */
export const TEXT_KIND = 'chat.text';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
  CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    room_tag TEXT NOT NULL,
    kind TEXT NOT NULL,
    at INTEGER NOT NULL,
    sealed BLOB NOT NULL
  );
  CREATE INDEX IF NOT EXISTS events_room ON events (room_tag, id);
  CREATE INDEX IF NOT EXISTS events_at ON events (at);
`;

/**
 * @typedef {object} StoredEvent
 * @property {number} id     increasing, never reused
 * @property {string} kind   e.g. 'chat.text', 'participant.joined' (STORE.md lists them)
 * @property {number} at     ms since the epoch
 * @property {string} [room]
 * @property {Record<string, unknown>} [data]
 * @property {string} [error]  set (and room/data absent) when this row cannot be trusted: it was changed
 */
/**
 * A row of `events` as `SELECT id, room_tag, kind, at, sealed` returns it in raw mode (SQLite's
 * columns are only known from the SQL, so the statements' rows are cast to this).
 * @typedef {[id: number, roomTag: string, kind: string, at: number, sealed: Uint8Array]} EventRow
 */

/** How long opening waits, in steps of OPEN_RETRY_MS, for other writers opening the same new file. */
const OPEN_WAIT_MS = 5000;
const OPEN_RETRY_MS = 25;
/** SQLite's "database is locked" (better-sqlite3 puts SQLite's result code on the error). */
const isBusy = (/** @type {unknown} */ err) => /^SQLITE_BUSY/.test(String(/** @type {{ code?: unknown }} */ (err)?.code ?? ''));

/**
 * Opens (or creates) the store in `file` under `key`. A wrong key: `StoreError('wrong-key')`.
 * @param {object} options
 * @param {string} options.file
 * @param {Uint8Array} options.key  32 bytes
 * @param {boolean} [options.create]    create the file when missing (the server); default false (readers)
 * @param {boolean} [options.readOnly]  never write the file (the admin CLI)
 * @param {number} [options.flushMs]    how often the sealed head is rewritten and the WAL fsynced; default 1000
 * @param {(line: string) => void} [options.log]
 */
export async function openAuditStore({ file, key, create = false, readOnly = false, flushMs = 1000, log = () => {} }) {
  const sealer = createSealer(key);
  const dbFile = openDatabaseFile(file, { create: create && !readOnly, readOnly });
  const { db } = dbFile;
  /** @param {StoreError} err @returns {never} */
  const fail = (err) => {
    dbFile.close(); // nothing was written (a new file at most got its empty tables)
    throw err;
  };
  for (let waited = 0; ; waited += OPEN_RETRY_MS) {
    try {
      // a new file: this writer, or one starting at the same moment, makes the tables (once: see createSchema)
      if (!readOnly && listTables(db).length === 0) createSchema(db, sealer);
      checkStore(db, sealer, file);
      // only now, with the key proven: a file of an earlier version (rollback journal) becomes WAL
      if (!readOnly) useWal(db);
      break;
    } catch (err) {
      // writers opening a new file at the same moment: the switch to WAL needs the file to itself, and
      // SQLite answers BUSY at once there instead of waiting out its busy timeout (seen in CI: 1 run in
      // ~5 of store-multiprocess). Wait and try again, as a busy timeout would.
      if (isBusy(err) && waited < OPEN_WAIT_MS) {
        await new Promise((r) => setTimeout(r, OPEN_RETRY_MS));
        continue;
      }
      fail(err instanceof StoreError ? err : new StoreError('io', `cannot write ${file}: ${/** @type {Error} */ (err).message}`));
    }
  }
  const writer = readOnly ? null : createWriter(db, sealer, { flushMs, log });
  const getHead = db.prepare("SELECT value FROM meta WHERE name = 'head'").pluck();

  /** @param {EventRow} row @returns {StoredEvent} */
  function decode([id, roomTag, kind, at, sealed]) {
    const body = sealer.open(sealed);
    if (!body) return { id, kind, at, error: 'tampered: the sealed body does not open (its bytes were changed)' };
    if (body.id !== id || body.kind !== kind || body.at !== at || typeof body.room !== 'string' || sealer.roomTag(body.room) !== roomTag) {
      return { id, kind, at, error: 'tampered: the clear columns do not match the sealed body (the row was edited or moved)' };
    }
    return { id, kind, at, room: body.room, data: body.data };
  }
  let closed = false;

  return {
    file,

    /**
     * Appends one event: committed (in the WAL) before it returns. Never throws: a failure is logged
     * (an audit hiccup must not break the chat).
     * @param {string} room @param {string} kind @param {Record<string, unknown>} data @param {number} [at]
     * @returns {number} the event's id, or 0 when it was not recorded
     */
    record(room, kind, data, at = Date.now()) {
      if (closed || !writer) return 0;
      try {
        return writer.append(room, kind, data, at);
      } catch (err) {
        log(`audit store: could not record ${kind}: ${/** @type {Error} */ (err).message}`);
        return 0;
      }
    },

    /**
     * Events, oldest first. Rows that were tampered with come back with `error` instead of a body.
     * @param {{ room?: string, since?: number, until?: number, kinds?: string[], excludeKinds?: string[], limit?: number }} [query]
     * @returns {StoredEvent[]}
     */
    events({ room, since, until, kinds, excludeKinds, limit } = {}) {
      const where = [];
      /** @type {(string | number)[]} */
      const params = [];
      if (room !== undefined) (where.push('room_tag = ?'), params.push(sealer.roomTag(room)));
      if (since !== undefined) (where.push('at >= ?'), params.push(since));
      if (until !== undefined) (where.push('at < ?'), params.push(until));
      if (kinds?.length) (where.push(`kind IN (${kinds.map(() => '?').join(',')})`), params.push(...kinds));
      if (excludeKinds?.length) (where.push(`kind NOT IN (${excludeKinds.map(() => '?').join(',')})`), params.push(...excludeKinds));
      const sql = `SELECT id, room_tag, kind, at, sealed FROM events${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id${limit ? ` LIMIT ${Math.floor(limit)}` : ''}`;
      const out = [];
      for (const row of db
        .prepare(sql)
        .raw()
        .iterate(...params))
        out.push(decode(/** @type {EventRow} */ (row)));
      return out;
    },

    /** The chat text of one room, oldest first. */
    transcript(/** @type {string} */ room) {
      return this.events({ room, kinds: [TEXT_KIND] });
    },

    /**
     * Checks every row and the sealed head: `{ rows, unreadable: ids, missing: ids }`. Missing ids are
     * rows deleted from the middle (an id gap) or the end (below the sealed head).
     * @type {() => { rows: number, unreadable: number[], missing: number[], headError?: string }}
     */
    verify: db.transaction(() => {
      // one read transaction, so one snapshot: the head and the rows as they were at one commit. Read
      // apart, a writer (this server, another process) could commit rows and seal a higher head in
      // between, and those rows would be reported as missing below the head.
      const sealedHead = getHead.get();
      const unreadable = [];
      const missing = [];
      let rows = 0;
      let expect = 1;
      for (const row of db.prepare('SELECT id, room_tag, kind, at, sealed FROM events ORDER BY id').raw().iterate()) {
        const ev = decode(/** @type {EventRow} */ (row));
        rows += 1;
        if (ev.error) unreadable.push(ev.id);
        for (; expect < ev.id && missing.length < 1000; expect++) missing.push(expect);
        expect = ev.id + 1;
      }
      const claimed = sealedHead instanceof Uint8Array ? sealer.open(sealedHead)?.head : 0;
      if (typeof claimed !== 'number') return { rows, unreadable, missing, headError: 'the sealed head does not open' };
      for (; expect <= claimed && missing.length < 1000; expect++) missing.push(expect);
      return { rows, unreadable, missing };
    }),

    /** Seals the head and fsyncs the WAL now (every event is already committed when `record` returns). */
    async flush() {
      writer?.sync();
    },
    /** Seals the head and closes (SQLite folds the WAL into the file). */
    async close() {
      if (closed) return;
      closed = true;
      writer?.stop();
      dbFile.close();
    },
  };
}

/** @param {import('better-sqlite3').Database} db @returns {string[]} */
function listTables(db) {
  return /** @type {string[]} */ (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all());
}

/**
 * A new store: WAL first (so even the first writes are appended), then the schema and meta in one
 * BEGIN IMMEDIATE transaction that looks again for the tables once it holds the write lock: of several
 * processes creating the file at the same moment, one creates them and the others find them (a
 * plain BEGIN would let two of them see an empty file and the second fail on meta's primary key).
 * @param {import('better-sqlite3').Database} db @param {ReturnType<typeof createSealer>} sealer
 */
function createSchema(db, sealer) {
  useWal(db);
  db.transaction(() => {
    if (listTables(db).length > 0) return;
    db.exec(SCHEMA);
    const set = db.prepare('INSERT INTO meta (name, value) VALUES (?, ?)');
    set.run('format', FORMAT);
    set.run('version', String(VERSION));
    set.run('check', blob(sealer.makeCheck()));
    set.run('created', String(Date.now()));
    set.run('head', blob(sealer.seal({ head: 0 })));
  }).immediate();
}

/**
 * Throws the StoreError that says why `db` is not a store this key opens (whoever created it: a
 * writer that started with another key at the same moment is caught here too).
 * @param {import('better-sqlite3').Database} db @param {ReturnType<typeof createSealer>} sealer @param {string} file
 */
function checkStore(db, sealer, file) {
  const tables = listTables(db);
  if (tables.length === 0) throw new StoreError('not-a-store', `${file} is an empty database, not a cobrowse-rtc store`);
  const getMeta = (/** @type {string} */ name) => db.prepare('SELECT value FROM meta WHERE name = ?').pluck().get(name) ?? null;
  if (!tables.includes('meta') || !tables.includes('events') || getMeta('format') !== FORMAT)
    throw new StoreError('not-a-store', `${file} is not a cobrowse-rtc store`);
  if (getMeta('version') !== String(VERSION))
    throw new StoreError('version', `${file} is format version ${getMeta('version')}; this server reads ${VERSION}`);
  const check = getMeta('check');
  if (!(check instanceof Uint8Array) || !sealer.verifyCheck(check)) {
    throw new StoreError('wrong-key', `the data key does not open ${file} (key check failed): wrong SIGNALING_DATA_KEY or key file`);
  }
}

/**
 * WAL, synchronous=NORMAL: a commit is an append to the WAL with no fsync, so it survives the process
 * being killed at any point; the WAL is fsynced at each checkpoint (every `flushMs`, and whenever
 * SQLite checkpoints by itself), so a power loss can lose at most the commits since then.
 */
function useWal(/** @type {import('better-sqlite3').Database} */ db) {
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') throw new StoreError('io', `cannot switch ${db.name} to WAL (journal_mode is ${mode})`);
  db.pragma('synchronous = NORMAL');
}

/**
 * The writing half. Each event is its own transaction (BEGIN IMMEDIATE: it takes the write lock
 * before reading): its id is the highest id in the file + 1, read under that lock, so ids stay dense,
 * unique and increasing in commit order however many processes write the file. The sealed head (what
 * `verify` compares the rows against) is rewritten at most every `flushMs`, not per event: one seal
 * per second instead of one per event. It is the file's highest id, read under the write lock too, so
 * whichever writer seals it, it never goes back (no writer's head hides another's rows).
 * @param {import('better-sqlite3').Database} db
 * @param {ReturnType<typeof createSealer>} sealer
 * @param {{ flushMs: number, log: (line: string) => void }} options
 */
function createWriter(db, sealer, { flushMs, log }) {
  const maxId = db.prepare('SELECT coalesce(max(id), 0) FROM events').pluck();
  const insert = db.prepare('INSERT INTO events (id, room_tag, kind, at, sealed) VALUES (?, ?, ?, ?, ?)');
  const setHead = db.prepare("INSERT INTO meta (name, value) VALUES ('head', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value");
  const appendTx = db.transaction(
    (/** @type {string} */ room, /** @type {string} */ kind, /** @type {unknown} */ data, /** @type {number} */ at) => {
      const id = /** @type {number} */ (maxId.get()) + 1;
      insert.run(id, sealer.roomTag(room), kind, at, blob(sealer.seal({ id, room, kind, at, data })));
      return id;
    },
  );
  const headTx = db.transaction(() => void setHead.run(blob(sealer.seal({ head: maxId.get() }))));
  let dirty = false;
  /** @type {NodeJS.Timeout | null} */
  let timer = null;

  const sync = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!dirty) return;
    dirty = false;
    headTx.immediate();
    db.pragma('wal_checkpoint(PASSIVE)'); // fsyncs the WAL; copies what no reader still needs
  };
  return {
    /** @returns {number} the id */
    append(/** @type {string} */ room, /** @type {string} */ kind, /** @type {unknown} */ data, /** @type {number} */ at) {
      const id = appendTx.immediate(room, kind, data, at);
      dirty = true;
      timer ??= setTimeout(() => {
        try {
          sync();
        } catch (err) {
          dirty = true; // tried again on the next event
          log(`audit store: cannot write the sealed head of ${db.name}: ${/** @type {Error} */ (err).message}`);
        }
      }, flushMs).unref();
      return id;
    },
    sync,
    stop() {
      try {
        sync();
      } catch (err) {
        log(`audit store: cannot write the sealed head of ${db.name}: ${/** @type {Error} */ (err).message}`);
      }
      if (timer) clearTimeout(timer);
    },
  };
}

/** better-sqlite3 binds Buffers as BLOBs (not plain Uint8Arrays). */
function blob(/** @type {Uint8Array} */ bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** @typedef {Awaited<ReturnType<typeof openAuditStore>>} AuditStore */

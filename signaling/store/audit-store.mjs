// The signaling server's record at rest: chat transcripts and the audit log, one table of events.
// In clear only what queries need: a keyed tag of the room id, the event kind, the time. Everything
// else (names, chat text, addresses, masking rules, the room id itself) is a JSON body sealed with
// secretbox under the server key. Format: signaling/STORE.md.
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
 * Opens (or creates) the store in `file` under `key`. A wrong key: `StoreError('wrong-key')`.
 * @param {object} options
 * @param {string} options.file
 * @param {Uint8Array} options.key  32 bytes
 * @param {boolean} [options.create]    create the file when missing (the server); default false (readers)
 * @param {boolean} [options.readOnly]  never write the file (the admin CLI)
 * @param {number} [options.flushMs]    debounce of the whole-file writes; default 1000
 * @param {(line: string) => void} [options.log]
 */
export async function openAuditStore({ file, key, create = false, readOnly = false, flushMs = 1000, log = () => {} }) {
  const sealer = createSealer(key);
  let head = 0; // the highest id written: sealed into meta at each flush, so a cut tail shows
  const dbFile = await openDatabaseFile(file, {
    create: create && !readOnly,
    lock: !readOnly,
    flushMs,
    beforeFlush: () => setMeta('head', sealer.seal({ head })),
    onError: (err) => log(`audit store: ${err.message}`),
  });
  const { db } = dbFile;
  const fail = async (/** @type {StoreError} */ err) => {
    await dbFile.close({ write: false }); // frees the database and the lock; the file is untouched
    throw err;
  };

  const tables = db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]?.values.flat() ?? [];
  if (tables.length === 0) {
    if (readOnly) await fail(new StoreError('not-a-store', `${file} is an empty database, not a cobrowse-rtc store`));
    db.exec(SCHEMA);
    setMeta('format', FORMAT);
    setMeta('version', String(VERSION));
    setMeta('check', sealer.makeCheck());
    setMeta('created', String(Date.now()));
    // on disk at once: readers find it, and a folder the server cannot write stops it at start-up
    await dbFile.flush(true).catch(fail);
  } else {
    if (!tables.includes('meta') || !tables.includes('events') || getMeta('format') !== FORMAT) {
      await fail(new StoreError('not-a-store', `${file} is not a cobrowse-rtc store`));
    }
    if (getMeta('version') !== String(VERSION)) await fail(new StoreError('version', `${file} is format version ${getMeta('version')}; this server reads ${VERSION}`));
    const check = getMeta('check');
    if (!(check instanceof Uint8Array) || !sealer.verifyCheck(check)) {
      await fail(new StoreError('wrong-key', `the data key does not open ${file} (key check failed): wrong SIGNALING_DATA_KEY or key file`));
    }
  }
  head = /** @type {number} */ (db.exec('SELECT coalesce(max(id), 0) FROM events')[0].values[0][0]);
  const insert = db.prepare('INSERT INTO events (id, room_tag, kind, at, sealed) VALUES (?, ?, ?, ?, ?)');
  let closed = false;

  function setMeta(/** @type {string} */ name, /** @type {string | Uint8Array} */ value) {
    db.run('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value', [name, value]);
  }
  function getMeta(/** @type {string} */ name) {
    return db.exec('SELECT value FROM meta WHERE name = ?', [name])[0]?.values[0][0] ?? null;
  }

  /** @returns {StoredEvent} */
  function decode(/** @type {any[]} */ [id, roomTag, kind, at, sealed]) {
    const body = sealer.open(sealed);
    if (!body) return { id, kind, at, error: 'tampered: the sealed body does not open (its bytes were changed)' };
    if (body.id !== id || body.kind !== kind || body.at !== at || typeof body.room !== 'string' || sealer.roomTag(body.room) !== roomTag) {
      return { id, kind, at, error: 'tampered: the clear columns do not match the sealed body (the row was edited or moved)' };
    }
    return { id, kind, at, room: body.room, data: body.data };
  }

  return {
    file,
    stats: dbFile.stats,

    /**
     * Appends one event. Never throws: a failure is logged (an audit hiccup must not break the chat).
     * @param {string} room @param {string} kind @param {Record<string, unknown>} data @param {number} [at]
     * @returns {number} the event's id, or 0 when it was not recorded
     */
    record(room, kind, data, at = Date.now()) {
      if (closed || readOnly) return 0;
      try {
        const id = head + 1;
        insert.run([id, sealer.roomTag(room), kind, at, sealer.seal({ id, room, kind, at, data })]);
        head = id;
        dbFile.changed();
        return id;
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
      if (room !== undefined) where.push('room_tag = ?'), params.push(sealer.roomTag(room));
      if (since !== undefined) where.push('at >= ?'), params.push(since);
      if (until !== undefined) where.push('at < ?'), params.push(until);
      if (kinds?.length) where.push(`kind IN (${kinds.map(() => '?').join(',')})`), params.push(...kinds);
      if (excludeKinds?.length) where.push(`kind NOT IN (${excludeKinds.map(() => '?').join(',')})`), params.push(...excludeKinds);
      const sql = `SELECT id, room_tag, kind, at, sealed FROM events${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id${limit ? ` LIMIT ${Math.floor(limit)}` : ''}`;
      const out = [];
      const stmt = db.prepare(sql, params);
      try {
        while (stmt.step()) out.push(decode(stmt.get()));
      } finally {
        stmt.free();
      }
      return out;
    },

    /** The chat text of one room, oldest first. */
    transcript(/** @type {string} */ room) {
      return this.events({ room, kinds: [TEXT_KIND] });
    },

    /**
     * Checks every row and the sealed head: `{ rows, unreadable: ids, missing: ids }`. Missing ids are
     * rows deleted from the middle (an id gap) or the end (below the sealed head).
     */
    verify() {
      const rows = db.exec('SELECT id, room_tag, kind, at, sealed FROM events ORDER BY id')[0]?.values ?? [];
      const unreadable = [];
      const missing = [];
      let expect = 1;
      for (const row of rows) {
        const ev = decode(row);
        if (ev.error) unreadable.push(ev.id);
        for (; expect < ev.id && missing.length < 1000; expect++) missing.push(expect);
        expect = ev.id + 1;
      }
      const sealedHead = getMeta('head');
      const claimed = sealedHead instanceof Uint8Array ? sealer.open(sealedHead)?.head : 0;
      if (typeof claimed !== 'number') return { rows: rows.length, unreadable, missing, headError: 'the sealed head does not open' };
      for (; expect <= claimed && missing.length < 1000; expect++) missing.push(expect);
      return { rows: rows.length, unreadable, missing };
    },

    /** Writes to disk now. */
    flush: () => dbFile.flush(),
    /** Writes what is left and closes. */
    async close() {
      if (closed) return;
      closed = true;
      insert.free();
      await dbFile.close({ write: !readOnly });
    },
  };
}

/** @typedef {Awaited<ReturnType<typeof openAuditStore>>} AuditStore */

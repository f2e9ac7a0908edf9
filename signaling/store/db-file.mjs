// An SQLite database (sql.js: SQLite in WebAssembly, in memory) kept in one file. Every change marks it
// dirty; a debounced flush (and close) writes the whole database atomically: a temporary file in the
// same folder, fsync, rename over the old one. A reader never sees half a file; a crash loses at most
// the changes of the last `flushMs`.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import initSqlJs from 'sql.js';
import { StoreError } from './seal.mjs';

/** @type {Promise<import('sql.js').SqlJsStatic> | undefined} */
let sqlJs;
const HEADER = 'SQLite format 3\0';

/**
 * @param {string} file
 * @param {{ create?: boolean, lock?: boolean, flushMs?: number, beforeFlush?: () => void, onError?: (err: Error) => void }} [options]
 *   `create`: start an empty database when the file does not exist (else a `missing` StoreError);
 *   `lock`: this process writes the file: take `${file}.lock` (a second writer would overwrite our rows);
 *   `beforeFlush`: called (synchronously) just before each snapshot is taken
 */
export async function openDatabaseFile(file, { create = false, lock = false, flushMs = 1000, beforeFlush, onError = () => {} } = {}) {
  sqlJs ??= initSqlJs();
  const SQL = await sqlJs;
  const unlock = lock ? takeLock(file) : () => {};
  try {
    return openLocked(SQL, file, { create, flushMs, beforeFlush, onError, unlock });
  } catch (err) {
    unlock();
    throw err;
  }
}

/**
 * @param {import('sql.js').SqlJsStatic} SQL
 * @param {string} file
 * @param {{ create: boolean, flushMs: number, beforeFlush?: () => void, onError: (err: Error) => void, unlock: () => void }} options
 */
function openLocked(SQL, file, { create, flushMs, beforeFlush, onError, unlock }) {
  /** @type {Uint8Array | null} */
  let bytes = null;
  if (existsSync(file)) {
    try {
      bytes = readFileSync(file);
    } catch (err) {
      throw new StoreError('io', `cannot read ${file}: ${/** @type {Error} */ (err).message}`);
    }
    if (bytes.length > 0 && Buffer.from(bytes.subarray(0, HEADER.length)).toString('latin1') !== HEADER) {
      throw new StoreError('not-a-store', `${file} is not an SQLite database`);
    }
  } else if (!create) {
    throw new StoreError('missing', `no database at ${file}`);
  }
  let db;
  try {
    db = bytes && bytes.length > 0 ? new SQL.Database(bytes) : new SQL.Database();
    db.exec('SELECT count(*) FROM sqlite_master'); // a corrupt file fails here, not later
  } catch (err) {
    throw new StoreError('not-a-store', `${file} is not a readable SQLite database: ${/** @type {Error} */ (err).message}`);
  }

  let dirty = bytes === null; // a new database is written on the first flush, even when empty
  let closed = false;
  /** @type {NodeJS.Timeout | null} */
  let timer = null;
  /** @type {Promise<void>} the write in progress (writes are serialized, never concurrent) */
  let writing = Promise.resolve();
  const stats = { writes: 0, bytes: 0, ms: 0 };

  /** @param {boolean} [strict] reject on a failed write (else it is reported through onError and retried) */
  const flush = (strict = false) => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!dirty) return writing;
    dirty = false;
    beforeFlush?.();
    const t0 = performance.now();
    const snapshot = db.export();
    const done = writing
      .then(() => writeAtomic(file, snapshot))
      .then(() => {
        stats.writes += 1;
        stats.bytes = snapshot.length;
        stats.ms += performance.now() - t0;
      })
      .catch((/** @type {Error} */ err) => {
        dirty = true; // retried on the next flush
        throw new StoreError('io', `cannot write ${file}: ${err.message}`);
      });
    writing = done.catch((err) => onError(err));
    return strict ? done : writing;
  };

  return {
    db,
    file,
    stats,
    /** Marks the database changed: it is written within `flushMs`. */
    changed() {
      if (closed) return;
      dirty = true;
      timer ??= setTimeout(() => void flush(), flushMs);
    },
    /** Writes now (if changed); resolves when the file is on disk (`strict`: rejects when it could not be written). */
    flush,
    /** Writes what is left, then frees the database. Read-only users pass `{ write: false }`. */
    async close({ write = true } = {}) {
      if (closed) return writing;
      if (write) await flush();
      else if (timer) clearTimeout(timer);
      closed = true;
      await writing;
      db.close();
      unlock();
    },
  };
}

/**
 * One writer per file: `${file}.lock` holds the writer's pid, created exclusively. A lock whose process
 * is gone (a crash) is taken over; a live one is a `locked` StoreError. Returns the release function.
 */
function takeLock(/** @type {string} */ file) {
  const path = `${file}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      const code = /** @type {NodeJS.ErrnoException} */ (err).code;
      if (code !== 'EEXIST') throw new StoreError('io', `cannot lock ${file}: ${/** @type {Error} */ (err).message}`);
      if (attempt > 0) throw new StoreError('locked', `cannot lock ${file}: another process took it`);
    }
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
      throw new StoreError('locked', `${file} is in use by process ${pid} (another server?): one server per database file. If no such process is a server, delete ${path}`);
    }
    rmSync(path, { force: true }); // stale: its process is gone
  }
}

function alive(/** @type {number} */ pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return /** @type {NodeJS.ErrnoException} */ (err).code === 'EPERM';
  }
}

/** Whole-file atomic replace: temp file in the same folder (same file system), fsync, rename, fsync the folder. */
async function writeAtomic(/** @type {string} */ file, /** @type {Uint8Array} */ data) {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  try {
    const dh = await open(dir, 'r');
    await dh.sync().finally(() => dh.close());
  } catch {} // not every platform can fsync a folder
}

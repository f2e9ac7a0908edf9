// @ts-check
// An SQLite database in one file, through better-sqlite3 (native SQLite), in WAL mode: a change is
// appended to `<file>-wal` and committed before the call that made it returns, so a write costs the
// same at 10 events as at 1,000,000 (nothing is rewritten whole), a process that dies loses nothing it
// acknowledged, and readers in other processes see each commit at once. SQLite folds the WAL back into
// the file by itself (every ~1,000 pages) and on close.
//
// Several processes on one host may write the same file at once (STORE.md, "Several processes"):
// SQLite serializes their transactions under its file locks, and a connection that finds the file
// locked waits up to BUSY_MS instead of failing. Not across hosts: network file systems break those locks.
//
// Files written by earlier versions (sql.js: the same SQLite file format, in rollback-journal mode) are
// opened as they are; the first writer switches them to WAL (a one-way change: see STORE.md).
import { closeSync, existsSync, mkdirSync, openSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from './seal.mjs';

const HEADER = 'SQLite format 3\0';
/**
 * How long a statement waits for another connection's lock (another writer's transaction, the switch
 * to WAL, the last connection's closing checkpoint) before failing with SQLITE_BUSY. An event's
 * transaction holds the write lock for tens of µs (a passive checkpoint takes no write lock), so
 * 5 s is reached only behind a stuck or stopped process; the wait blocks the event loop meanwhile.
 */
const BUSY_MS = 5000;

/**
 * @param {string} file
 * @param {{ create?: boolean, readOnly?: boolean }} [options]
 *   `create`: start an empty database when the file does not exist (else a `missing` StoreError);
 *   `readOnly`: never write (the admin CLI)
 * @returns {{ db: import('better-sqlite3').Database, file: string, close: () => void }}
 */
export function openDatabaseFile(file, { create = false, readOnly = false } = {}) {
  if (create && !readOnly)
    createPrivate(file); // no exists-then-create: another writer may be starting too
  else if (!existsSync(file)) throw new StoreError('missing', `no database at ${file}`);
  checkHeader(file);
  let db;
  try {
    // `timeout` is SQLite's busy timeout: writers of one file (and a checkpoint) wait for each other
    db = new Database(file, { readonly: readOnly, fileMustExist: true, timeout: BUSY_MS });
    db.prepare('SELECT count(*) FROM sqlite_master').get(); // a corrupt file fails here, not later
  } catch (err) {
    db?.close();
    throw new StoreError('not-a-store', `${file} is not a readable SQLite database: ${/** @type {Error} */ (err).message}`);
  }
  let closed = false;
  return {
    db,
    file,
    /** Frees the database (the last connection folds the WAL into the file and removes it). */
    close() {
      if (closed) return;
      closed = true;
      db.close();
      if (readOnly) tidyAfterReader(file);
    },
  };
}

/**
 * A read-only connection to a WAL database creates `-wal` and `-shm` when no writer has them open, and
 * (not allowed to checkpoint) leaves them behind. A read-write connection that writes nothing, closed,
 * removes them if it is the last one, and does nothing at all while a writer still runs: SQLite decides,
 * under its own locks. The database file itself is not written (its WAL is empty).
 */
function tidyAfterReader(/** @type {string} */ file) {
  if (!existsSync(`${file}-wal`)) return;
  try {
    const tidy = new Database(file, { fileMustExist: true });
    tidy.pragma('schema_version'); // SQLite only opens the file (and cleans up on close) once it reads
    tidy.close();
  } catch {
    /* a folder this reader may not write: the empty files stay, harmlessly */
  }
}

/** Refuses a file that is not SQLite before SQLite touches it (it would never write a foreign file, but says less). */
function checkHeader(/** @type {string} */ file) {
  const head = Buffer.alloc(HEADER.length);
  let n;
  try {
    const fd = openSync(file, 'r');
    try {
      n = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw new StoreError('io', `cannot read ${file}: ${/** @type {Error} */ (err).message}`);
  }
  // an empty file is a new database (how createPrivate leaves it); anything else must be SQLite's
  if (n > 0 && head.subarray(0, n).toString('latin1') !== HEADER) throw new StoreError('not-a-store', `${file} is not an SQLite database`);
}

/**
 * An empty file, mode 0600, before SQLite opens it (SQLite gives its -wal and -shm files the same
 * mode), unless it exists: made by an earlier run, or by another writer starting at the same moment
 * (exclusive create, so one of them makes it and the others use it as it is).
 */
function createPrivate(/** @type {string} */ file) {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    closeSync(openSync(file, 'wx', 0o600));
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code === 'EEXIST') return;
    throw new StoreError('io', `cannot create ${file}: ${/** @type {Error} */ (err).message}`);
  }
}

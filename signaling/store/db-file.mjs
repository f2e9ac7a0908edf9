// An SQLite database in one file, through better-sqlite3 (native SQLite), in WAL mode: a change is
// appended to `<file>-wal` and committed before the call that made it returns, so a write costs the
// same at 10 events as at 1,000,000 (nothing is rewritten whole), a process that dies loses nothing it
// acknowledged, and readers in other processes see each commit at once. SQLite folds the WAL back into
// the file by itself (every ~1,000 pages) and on close.
//
// Files written by earlier versions (sql.js: the same SQLite file format, in rollback-journal mode) are
// opened as they are; the first writer switches them to WAL (a one-way change: see STORE.md).
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from './seal.mjs';

const HEADER = 'SQLite format 3\0';

/**
 * @param {string} file
 * @param {{ create?: boolean, readOnly?: boolean }} [options]
 *   `create`: start an empty database when the file does not exist (else a `missing` StoreError);
 *   `readOnly`: never write (the admin CLI); otherwise this process writes the file and holds `${file}.lock`
 * @returns {{ db: import('better-sqlite3').Database, file: string, close: () => void }}
 */
export function openDatabaseFile(file, { create = false, readOnly = false } = {}) {
  const unlock = readOnly ? () => {} : takeLock(file);
  try {
    return openLocked(file, { create, readOnly, unlock });
  } catch (err) {
    unlock();
    throw err;
  }
}

/** @param {string} file @param {{ create: boolean, readOnly: boolean, unlock: () => void }} options */
function openLocked(file, { create, readOnly, unlock }) {
  if (existsSync(file)) checkHeader(file);
  else if (!create || readOnly) throw new StoreError('missing', `no database at ${file}`);
  else createPrivate(file);
  let db;
  try {
    db = new Database(file, { readonly: readOnly, fileMustExist: true });
    db.pragma('busy_timeout = 5000'); // a reader and the writer (or a checkpoint) may meet: wait, do not fail
    db.prepare('SELECT count(*) FROM sqlite_master').get(); // a corrupt file fails here, not later
  } catch (err) {
    db?.close();
    throw new StoreError('not-a-store', `${file} is not a readable SQLite database: ${/** @type {Error} */ (err).message}`);
  }
  let closed = false;
  return {
    db,
    file,
    /** Frees the database (the last connection folds the WAL into the file and removes it) and the lock. */
    close() {
      if (closed) return;
      closed = true;
      db.close();
      unlock();
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
  } catch {} // a folder this reader may not write: the empty files stay, harmlessly
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

/** An empty file, mode 0600, before SQLite opens it: SQLite gives its -wal and -shm files the same mode. */
function createPrivate(/** @type {string} */ file) {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    closeSync(openSync(file, 'wx', 0o600));
  } catch (err) {
    throw new StoreError('io', `cannot create ${file}: ${/** @type {Error} */ (err).message}`);
  }
}

/**
 * One writer per file: `${file}.lock` holds the writer's pid, created exclusively. A lock whose process
 * is gone (a crash) is taken over; a live one is a `locked` StoreError. Returns the release function.
 * (SQLite would serialize two writers safely; the lock is there because the ids and the sealed head are
 * assigned by one writer's view — see STORE.md, "Several processes".)
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

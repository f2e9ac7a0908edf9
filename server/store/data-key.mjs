// @ts-check
// Where the store's 32-byte server key comes from: given directly (option / SIGNALING_DATA_KEY,
// base64), or read from a key file (option / SIGNALING_KEY_FILE), which is created with mode 0600
// when asked to create a development key. A key that is not 32 bytes is refused, never padded.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import nacl from 'tweetnacl';
import { KEY_BYTES, StoreError } from './seal.mjs';

/**
 * @typedef {object} KeySource
 * @property {string | Uint8Array} [key]   the key itself: 32 bytes, or their base64 (standard or url-safe)
 * @property {string} [keyFile]           a file holding the key's base64
 * @property {boolean} [createKey]        create `keyFile` with a fresh random key when it does not exist
 */

/**
 * @param {KeySource} source
 * @returns {{ key: Uint8Array, created: string | null, warning: string | null }}
 *   `created`: the key file this call created; `warning`: e.g. a key file others can read
 */
export function loadDataKey({ key, keyFile, createKey = false }) {
  if (key !== undefined && key !== '') return { key: parseKey(key, 'the data key (SIGNALING_DATA_KEY)'), created: null, warning: null };
  if (!keyFile) throw new StoreError('no-key', 'no data key: set SIGNALING_DATA_KEY (32 bytes, base64) or SIGNALING_KEY_FILE');
  let created = null;
  let text;
  try {
    text = readFileSync(keyFile, 'utf8');
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'ENOENT')
      throw new StoreError('io', `cannot read the key file ${keyFile}: ${/** @type {Error} */ (err).message}`);
    if (!createKey) throw new StoreError('no-key', `the key file ${keyFile} does not exist`);
    text = createKeyFile(keyFile);
    created = keyFile;
  }
  let warning = null;
  try {
    if (process.platform !== 'win32' && (statSync(keyFile).mode & 0o077) !== 0) {
      warning = `the key file ${keyFile} can be read by other users: chmod 600 it`;
    }
  } catch {
    /* the mode cannot be read here: no warning */
  }
  return { key: parseKey(text.trim(), `the key file ${keyFile}`), created, warning };
}

/** A fresh random key written to `file` (mode 0600, never overwriting); returns its base64. */
export function createKeyFile(/** @type {string} */ file) {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new StoreError('io', `cannot create the folder of the key file ${file}: ${/** @type {Error} */ (err).message}`);
  }
  const text = Buffer.from(nacl.randomBytes(KEY_BYTES)).toString('base64');
  let fd;
  try {
    fd = openSync(file, 'wx', 0o600); // 'x': two processes racing never overwrite each other's key
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code === 'EEXIST') return readFileSync(file, 'utf8');
    throw new StoreError('io', `cannot create the key file ${file}: ${/** @type {Error} */ (err).message}`);
  }
  try {
    writeSync(fd, `${text}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return text;
}

/** @param {string | Uint8Array} value @param {string} what */
function parseKey(value, what) {
  if (value instanceof Uint8Array) {
    if (value.length !== KEY_BYTES) throw new StoreError('bad-key', `${what} is ${value.length} bytes: it must be ${KEY_BYTES}`);
    return new Uint8Array(value);
  }
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    throw new StoreError('bad-key', `${what} is not base64 (32 random bytes, e.g. \`openssl rand -base64 32\`)`);
  }
  const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length !== KEY_BYTES) throw new StoreError('bad-key', `${what} decodes to ${bytes.length} bytes: it must be ${KEY_BYTES}`);
  return new Uint8Array(bytes);
}

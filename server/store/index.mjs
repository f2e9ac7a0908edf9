// @ts-check
// Opening the server's store from options or the environment: which file, which key.
//   SIGNALING_DB        the database file (setting it turns the store on)
//   SIGNALING_DATA_KEY  the 32-byte key, base64; or
//   SIGNALING_KEY_FILE  a file holding it
import { join } from 'node:path';
import { openAuditStore } from './audit-store.mjs';
import { loadDataKey } from './data-key.mjs';

export { StoreError } from './seal.mjs';
export { TEXT_KIND } from './audit-store.mjs';

/**
 * @typedef {object} AuditOptions
 * @property {string} [file]        the database file; default `${dataDir}/signaling.db`
 * @property {string} [dataDir]     a folder for the database (and the key file, when none is named)
 * @property {string | Uint8Array} [key]  the 32-byte key or its base64
 * @property {string} [keyFile]     default `${dataDir}/signaling.key` when there is no `key`
 * @property {boolean} [createKey]  create the key file with a random key when it does not exist (development)
 * @property {number} [flushMs]     how often the sealed head is rewritten and the WAL fsynced; default 1000
 */

/** `AuditOptions` from the environment, or undefined when SIGNALING_DB is not set. */
export function auditOptionsFromEnv(/** @type {NodeJS.ProcessEnv} */ env) {
  if (!env.SIGNALING_DB) return undefined;
  return { file: env.SIGNALING_DB, key: env.SIGNALING_DATA_KEY || undefined, keyFile: env.SIGNALING_KEY_FILE || undefined };
}

/**
 * Opens the store the options name. Throws a `StoreError` (no key, bad key, wrong key, not a store).
 * @param {AuditOptions & { readOnly?: boolean, log?: (line: string) => void }} options
 */
export async function openStore(options) {
  const file = options.file ?? (options.dataDir && join(options.dataDir, 'signaling.db'));
  if (!file) throw new TypeError('audit: give `file` or `dataDir`');
  const keyFile = options.keyFile ?? (options.key === undefined && options.dataDir ? join(options.dataDir, 'signaling.key') : undefined);
  const { key, created, warning } = loadDataKey({ key: options.key, keyFile, createKey: !options.readOnly && options.createKey });
  if (warning) options.log?.(warning);
  const store = await openAuditStore({
    file,
    key,
    create: !options.readOnly,
    readOnly: options.readOnly,
    flushMs: options.flushMs,
    log: options.log,
  });
  return Object.assign(store, { keyCreated: created, keyFile: keyFile ?? null });
}

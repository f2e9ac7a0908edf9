// @ts-check
// The store's cryptography: one 32-byte server key, two subkeys derived from it (one seals row bodies
// with tweetnacl secretbox, one turns room ids into opaque tags), and the key check value that tells
// a wrong key from a tampered row. Format: server/STORE.md.
import { createHmac } from 'node:crypto';
import nacl from 'tweetnacl';

export const KEY_BYTES = 32;
const NONCE = nacl.secretbox.nonceLength; // 24
const CHECK_TEXT = 'cobrowse-rtc store key check v1';

/** Every refusal of the store: `code` says why. */
export class StoreError extends Error {
  /**
   * @param {'no-key' | 'bad-key' | 'wrong-key' | 'missing' | 'not-a-store' | 'version' | 'tampered' | 'io'} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
  }
}

/**
 * The key material of one store.
 * @param {Uint8Array} master  the 32-byte server key
 */
export function createSealer(master) {
  if (!(master instanceof Uint8Array) || master.length !== KEY_BYTES) {
    throw new StoreError('bad-key', `the data key must be ${KEY_BYTES} bytes`);
  }
  const derive = (/** @type {string} */ label) => new Uint8Array(createHmac('sha256', master).update(label).digest());
  const sealKey = derive('cobrowse-rtc/store/v1/secretbox');
  const tagKey = derive('cobrowse-rtc/store/v1/room-tag');

  /** @param {Uint8Array} plain @returns {Uint8Array} nonce ‖ box */
  const sealBytes = (plain) => {
    const nonce = nacl.randomBytes(NONCE);
    const box = nacl.secretbox(plain, nonce, sealKey);
    const out = new Uint8Array(NONCE + box.length);
    out.set(nonce);
    out.set(box, NONCE);
    return out;
  };
  /** @param {Uint8Array} sealed @returns {Uint8Array | null} null when it does not open under this key */
  const openBytes = (sealed) => {
    if (!(sealed instanceof Uint8Array) || sealed.length < NONCE + nacl.secretbox.overheadLength) return null;
    return nacl.secretbox.open(sealed.subarray(NONCE), sealed.subarray(0, NONCE), sealKey);
  };

  return {
    /** @param {unknown} value  JSON-serializable */
    seal: (value) => sealBytes(new TextEncoder().encode(JSON.stringify(value))),
    /** The JSON value sealed in `sealed`, or null when it does not open (wrong key, changed bytes). */
    open(/** @type {Uint8Array} */ sealed) {
      const plain = openBytes(sealed);
      if (!plain) return null;
      try {
        return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain));
      } catch {
        return null;
      }
    },
    /** An opaque, stable tag for a room id: the clear column the store filters on, not the id. */
    roomTag: (/** @type {string} */ room) => createHmac('sha256', tagKey).update(room).digest('base64url').slice(0, 22),
    /** A fresh key check value: a known text sealed under this key. */
    makeCheck: () => sealBytes(new TextEncoder().encode(CHECK_TEXT)),
    /** True when `check` was made with this key. */
    verifyCheck(/** @type {Uint8Array} */ check) {
      const plain = openBytes(check);
      return !!plain && new TextDecoder().decode(plain) === CHECK_TEXT;
    },
  };
}

// Everything derived by hashing (nacl.hash = SHA-512): the viewer's commitment, the two directional
// record keys and the short authentication string. Each hash starts with its own domain label so a
// value computed for one purpose can never be mistaken for another.
import nacl from 'tweetnacl';

const encoder = new TextEncoder();
const LABEL_COMMIT = encoder.encode('cobrowse-rtc/secure/1 commit');
const LABEL_KEYS = encoder.encode('cobrowse-rtc/secure/1 keys');
const LABEL_SAS = encoder.encode('cobrowse-rtc/secure/1 sas');
const LABEL_RESUME = encoder.encode('cobrowse-rtc/secure/1 resume');

/** SHA-512 of length-prefixed parts: the prefixes keep a secret of a different length from shifting bytes between parts. */
function hashParts(...parts: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += 2 + p.length;
  const buf = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    buf[at++] = p.length >> 8;
    buf[at++] = p.length & 0xff;
    buf.set(p, at);
    at += p.length;
  }
  return nacl.hash(buf);
}

/** The viewer's commitment to its public key, sent before it sees the sharer's key. */
export function commitment(viewerPublic: Uint8Array, nonce: Uint8Array): Uint8Array {
  return hashParts(LABEL_COMMIT, viewerPublic, nonce);
}

export interface SessionKeys {
  /** key of records the viewer sends (the sharer opens with it) */
  viewerToSharer: Uint8Array;
  sharerToViewer: Uint8Array;
  sas: string;
  /**
   * The secret a later handshake between the same two parties uses instead of the invitation
   * secret (a reconnection, the sharer's next page): only the two ends of THIS channel know it, so
   * the resumed channel is as authenticated as this one, and the code compared once still holds.
   */
  resume: Uint8Array;
}

/**
 * Both keys from ONE hash over the label, the invitation secret, the X25519 shared point and both
 * public keys (viewer's first): a party without the secret derives other keys and fails CONFIRM.
 * The SAS hashes the secret and both public keys: a relay that ran two handshakes (one with each
 * side) has made each side see a different public key, so the two screens show different codes.
 */
export function deriveKeys(secret: Uint8Array, shared: Uint8Array, viewerPublic: Uint8Array, sharerPublic: Uint8Array): SessionKeys {
  const k = hashParts(LABEL_KEYS, secret, shared, viewerPublic, sharerPublic);
  const s = hashParts(LABEL_SAS, secret, viewerPublic, sharerPublic);
  // 40 bits → 6 decimal digits: the bias of the modulo is below 2^-20
  const n = (((s[0]! * 256 + s[1]!) * 256 + s[2]!) * 256 + s[3]!) * 256 + s[4]!;
  return {
    viewerToSharer: k.slice(0, 32),
    sharerToViewer: k.slice(32, 64),
    sas: String(n % 1_000_000).padStart(6, '0'),
    resume: hashParts(LABEL_RESUME, secret, shared, viewerPublic, sharerPublic).slice(0, 32),
  };
}

export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

// The invitation secret: random bytes that travel in the chat (out of band from the signaling
// server), as base64url so they fit in a link or a message without escaping.
import nacl from 'tweetnacl';
import { SecureError } from './types.js';

export const SECRET_MIN = 16;
export const SECRET_MAX = 64;

/** 16 random bytes: 128 bits, beyond guessing while an invitation is open. */
export function randomSecret(): Uint8Array {
  return nacl.randomBytes(16);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** base64url without padding (RFC 4648 §5). */
export function encodeSecret(secret: Uint8Array): string {
  let out = '';
  for (let i = 0; i < secret.length; i += 3) {
    const n = (secret[i]! << 16) | ((secret[i + 1] ?? 0) << 8) | (secret[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((secret.length - i) * 8) / 6));
    for (let c = 0; c < chars; c++) out += ALPHABET[(n >> (18 - 6 * c)) & 63];
  }
  return out;
}

/** The inverse of `encodeSecret`. Anything else (other characters, a bad length) → SecureError('handshake'). */
export function decodeSecret(text: string): Uint8Array {
  const bad = (why: string): never => {
    throw new SecureError('handshake', `invalid invitation secret: ${why}`);
  };
  if (typeof text !== 'string') bad('not a string');
  if (text.length % 4 === 1) bad('impossible length');
  const bytes = new Uint8Array(Math.floor((text.length * 6) / 8));
  let bits = 0;
  let acc = 0;
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const v = ALPHABET.indexOf(text[i]!);
    if (v < 0) bad(`character ${JSON.stringify(text[i])}`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[at++] = (acc >> bits) & 0xff;
    }
  }
  // the leftover bits of a canonical encoding are zero: anything else is not our encoder's output
  if (acc & ((1 << bits) - 1)) bad('non-canonical ending');
  if (bytes.length < SECRET_MIN || bytes.length > SECRET_MAX) bad(`${bytes.length} bytes, expected ${SECRET_MIN} to ${SECRET_MAX}`);
  return bytes;
}

// The plaintext handshake messages. They carry only public keys, a commitment and a nonce: never page
// data. Layout: MAGIC (2 bytes) ‖ VERSION (1) ‖ TYPE (1) ‖ body (fixed size per type). See src/protocol/SPEC.md, "Secure channel".
import { SecureError, type SecureErrorCode } from './types.js';

export const MAGIC0 = 0x43; // 'C'
export const MAGIC1 = 0x42; // 'B'
export const VERSION = 1;

export const enum HandshakeType {
  /** viewer → sharer: SHA-512 commitment to the viewer's public key (64 bytes) */
  Commit = 1,
  /** sharer → viewer: the sharer's X25519 public key (32) */
  Key = 2,
  /** viewer → sharer: the viewer's public key (32) and the commitment nonce (32) */
  Reveal = 3,
  /** either way, before keys are confirmed: why this side gives up (1 byte: an AbortCode) */
  Abort = 4,
}

const BODY_SIZE: Record<HandshakeType, number> = { 1: 64, 2: 32, 3: 64, 4: 1 };

/** Reasons an Abort may carry: only ones the other side cannot learn by itself. */
const ABORT_CODES: readonly SecureErrorCode[] = ['handshake', 'version', 'wrong-secret', 'timeout'];

export interface HandshakeMessage {
  type: HandshakeType;
  body: Uint8Array;
}

export function isHandshake(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === MAGIC0 && bytes[1] === MAGIC1;
}

export function encodeHandshake(type: HandshakeType, ...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(4 + BODY_SIZE[type]);
  out[0] = MAGIC0;
  out[1] = MAGIC1;
  out[2] = VERSION;
  out[3] = type;
  let at = 4;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  if (at !== out.length) throw new Error(`handshake ${type}: body of ${at - 4} bytes`);
  return out;
}

export function encodeAbort(code: SecureErrorCode): Uint8Array {
  return encodeHandshake(HandshakeType.Abort, Uint8Array.of(Math.max(0, ABORT_CODES.indexOf(code))));
}

/** Parses and checks one handshake message; throws SecureError('version' | 'handshake'). */
export function decodeHandshake(bytes: Uint8Array): HandshakeMessage {
  if (!isHandshake(bytes) || bytes.length < 4) throw new SecureError('handshake', 'not a handshake message');
  if (bytes[2] !== VERSION) throw new SecureError('version', `secure channel version ${bytes[2]}: we speak ${VERSION}`);
  const type = bytes[3] as HandshakeType;
  const size = BODY_SIZE[type];
  if (size === undefined) throw new SecureError('handshake', `unknown handshake message type ${bytes[3]}`);
  if (bytes.length !== 4 + size) throw new SecureError('handshake', `handshake message ${type} of ${bytes.length} bytes`);
  return { type, body: bytes.subarray(4) };
}

/** The error an Abort body stands for. */
export function abortError(body: Uint8Array): SecureError {
  const code = ABORT_CODES[body[0]!] ?? 'handshake';
  return new SecureError(code, `the other side aborted the handshake: ${code}`);
}

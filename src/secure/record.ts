// Sealed records: the only thing that crosses the transport after the handshake.
//   record = varint(counter) ‖ secretbox(plaintext, nonce(counter), key of this direction)
// The counter is sent in the clear so the receiver can tell WHY a record is unacceptable
// (replayed, reordered, forged) instead of only "MAC failed"; it is authenticated all the same,
// because it is the nonce: a record moved to another counter no longer opens.
import nacl from 'tweetnacl';
import { SecureError } from './types.js';
import { readVarint, varintSize, writeVarint } from './varint.js';

/** Largest record on the wire, all headers included. Well under a data channel's 256 KiB message limit. */
export const RECORD_MAX = 64 * 1024;
const MAC = nacl.secretbox.overheadLength; // 16
/** Room for the counter varint (≤ 8 bytes) and the largest record header (type + size varint). */
const HEADROOM = 8 + MAC + 1 + 8;
/** Most payload bytes one record carries. */
export const PAYLOAD_MAX = RECORD_MAX - HEADROOM;

/** 24-byte nonce: the counter, little-endian in the first 8 bytes, zeros after. Keys differ per direction, so counters may repeat across directions. */
function nonce(counter: number): Uint8Array {
  const n = new Uint8Array(nacl.secretbox.nonceLength);
  let c = counter;
  for (let i = 0; i < 8; i++) {
    n[i] = c % 256;
    c = Math.floor(c / 256);
  }
  return n;
}

export function sealRecord(key: Uint8Array, counter: number, plaintext: Uint8Array): Uint8Array {
  const box = nacl.secretbox(plaintext, nonce(counter), key);
  const out = new Uint8Array(varintSize(counter) + box.length);
  out.set(box, writeVarint(out, 0, counter));
  return out;
}

/**
 * Opens the record expected at `expected`, or throws why not:
 * 'truncated' (shorter than a counter and a MAC), 'tampered' (does not open under its own counter),
 * 'replayed' (authentic, counter already seen), 'reordered' (authentic, counter ahead).
 * Only records that open are called replayed/reordered: a forged counter is 'tampered'.
 */
export function openRecord(key: Uint8Array, expected: number, record: Uint8Array): Uint8Array {
  const head = readVarint(record, 0);
  if (!head || record.length < head[1] + MAC + 1) {
    throw new SecureError('truncated', `record of ${record.length} bytes is too short`);
  }
  const [counter, at] = head;
  const plain = nacl.secretbox.open(record.subarray(at), nonce(counter), key);
  if (!plain) throw new SecureError('tampered', `record ${counter} failed authentication`);
  if (counter < expected) throw new SecureError('replayed', `record ${counter} again (expected ${expected})`);
  if (counter > expected) throw new SecureError('reordered', `record ${counter} before record ${expected}`);
  return plain;
}

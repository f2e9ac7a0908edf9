// Unsigned LEB128 varints for record counters and message sizes. Counters grow past 2^32 in a long
// session only in theory, but sizes and counters both stay below 2^53, so plain numbers suffice
// (no 32-bit bit operations: they would wrap).

/** Bytes needed for `n`. */
export function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

/** Writes `n` at `at`; returns the position after it. */
export function writeVarint(out: Uint8Array, at: number, n: number): number {
  while (n >= 0x80) {
    out[at++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  out[at++] = n;
  return at;
}

/** Reads a varint at `at`: [value, next position], or null when the bytes end inside it or it is over 8 bytes. */
export function readVarint(bytes: Uint8Array, at: number): [number, number] | null {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 8; i++) {
    if (at >= bytes.length) return null;
    const b = bytes[at++]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return [value, at];
    scale *= 0x80;
  }
  return null;
}

// Byte-level reading and writing: varints and UTF-8, into one growable buffer, no allocation per item.
import { ProtocolError } from './errors.js';

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** A growable byte buffer. `finish()` hands out a copy of what was written and starts over. */
export class ByteWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(initialSize = 64 * 1024) {
    this.buf = new Uint8Array(initialSize);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  u8(v: number): void {
    if (this.pos >= this.buf.length) this.ensure(1);
    this.buf[this.pos++] = v;
  }

  uv(v: number): void {
    this.ensure(5);
    const buf = this.buf;
    let pos = this.pos;
    // v < 2^32: use division above 2^31 so bitwise ops never see a negative number
    while (v > 0x7f) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v = v > 0x7fffffff ? Math.floor(v / 128) : v >>> 7;
    }
    buf[pos++] = v;
    this.pos = pos;
  }

  sv(v: number): void {
    v = Math.round(v) | 0;
    this.uv(((v << 1) ^ (v >> 31)) >>> 0);
  }

  /**
   * Writes a string header `n * 4 + tag` and the string's UTF-8 bytes, where n is the byte length.
   * ASCII strings (the usual case) are copied char by char; others go through encodeInto after room
   * for the longest header they could need. The header on the wire is minimal (SPEC.md, Canonical
   * form): when the real one is shorter, the bytes move back to close the gap.
   */
  strBytes(s: string, tag: number): void {
    const len = s.length;
    let ascii = len < 256;
    if (ascii) {
      for (let i = 0; i < len; i++) {
        if (s.charCodeAt(i) > 0x7f) {
          ascii = false;
          break;
        }
      }
    }
    if (ascii) {
      this.uv(len * 4 + tag);
      this.ensure(len);
      const buf = this.buf;
      let pos = this.pos;
      for (let i = 0; i < len; i++) buf[pos++] = s.charCodeAt(i);
      this.pos = pos;
      return;
    }
    const max = len * 3;
    const headerSize = uvSize(max * 4 + tag);
    this.ensure(headerSize + max);
    const start = this.pos + headerSize;
    const written = utf8Encoder.encodeInto(s, this.buf.subarray(start, start + max)).written;
    let h = written * 4 + tag;
    const buf = this.buf;
    const size = uvSize(h);
    // a copy within the buffer, not ensure()/uv(): growing would copy only up to `pos` and lose the text
    if (size < headerSize) buf.copyWithin(this.pos + size, start, start + written);
    let pos = this.pos;
    while (h > 0x7f) {
      buf[pos++] = (h % 128) | 0x80;
      h = Math.floor(h / 128);
    }
    buf[pos++] = h;
    this.pos = pos + written;
  }

  /** A copy of the bytes written since the last reset. */
  take(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
  }
}

function uvSize(v: number): number {
  let n = 1;
  while (v > 0x7f) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Reads what ByteWriter writes. Every read checks bounds and throws ProtocolError. */
export class ByteReader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  u8(): number {
    if (this.pos >= this.buf.length) throw new ProtocolError('truncated', 'frame ends inside a field', this.pos);
    return this.buf[this.pos++]!;
  }

  uv(): number {
    const buf = this.buf;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= buf.length) throw new ProtocolError('truncated', 'frame ends inside a varint', this.pos);
      const b = buf[this.pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (result > 0xffffffff) throw new ProtocolError('varint', 'varint over 2^32 - 1', this.pos);
        return result;
      }
      scale *= 128;
    }
    throw new ProtocolError('varint', 'varint longer than 5 bytes', this.pos);
  }

  sv(): number {
    const z = this.uv();
    return (z >>> 1) ^ -(z & 1);
  }

  /** `n` bytes of UTF-8 as a string. */
  utf8(n: number): string {
    const start = this.pos;
    const end = start + n;
    if (end > this.buf.length) throw new ProtocolError('truncated', `string of ${n} bytes runs past the frame`, start);
    const buf = this.buf;
    this.pos = end;
    if (n < 64) {
      let ascii = true;
      for (let i = start; i < end; i++) {
        if (buf[i]! > 0x7f) {
          ascii = false;
          break;
        }
      }
      if (ascii) return String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[]);
    }
    try {
      return utf8Decoder.decode(buf.subarray(start, end));
    } catch {
      throw new ProtocolError('utf8', 'invalid UTF-8', start);
    }
  }
}

// Golden vectors: the wire format pinned by bytes written by hand from src/protocol/SPEC.md, not by
// our encoder. Mirror and capture tests build frames with the real encoder and read them with the
// real decoder, so a bug shared by both passes there; here each side is held against the spec alone.
// For every vector: decoding the bytes gives the plain frame, and encoding the plain frame (a fresh
// encoder, or the one that wrote the frames before it) gives exactly the bytes.
// The layers under the frames (session messages, secure handshake and records, transport chunks)
// are pinned where SPEC.md fixes their layout; ciphertext is not pinned, but records are opened and
// sealed here with upstream tweetnacl and the nonce spelled from the spec.
import nacl from 'tweetnacl';
import {
  FrameDecoder,
  FrameEncoder,
  MAX_DEPTH,
  NodeKind,
  OpCode,
  ProtocolError,
  decodeFrame,
  encodeFrame,
  type Frame,
  type ProtocolErrorCode,
  FrameKind,
  frameKind,
  isSnapshotFrame,
} from '../src/protocol/index.js';
import { controlMessage, frameMessage, parseFromSharer, parseFromViewer, type Control } from '../src/session/messages.js';
import { Reassembler, chunkMessage } from '../src/transport/chunker.js';
import { TransportError } from '../src/transport/transport.js';
import { createLoopbackPair } from '../src/transport/loopback.js';
import { abortError, decodeHandshake, encodeAbort, encodeHandshake, type HandshakeType } from '../src/secure/handshake.js';
import { commitment, deriveKeys } from '../src/secure/keys.js';
import { Sender } from '../src/secure/sender.js';
import { Receiver } from '../src/secure/receiver.js';
import { SyncInflate } from '../src/secure/sync-inflate.js';
import { readVarint, writeVarint } from '../src/secure/varint.js';
import { SecureError } from '../src/secure/types.js';
import { asc, bytes, hex } from './fixtures/golden/hex.js';
import * as V from './fixtures/golden/frames.js';
import { assert, assertEqual, assertThrows, describe, fail, it } from './helpers/assert.js';

/** Fails at the first differing byte, with the bytes around it (frames run to thousands of bytes). */
function assertSameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  if (i === actual.length && i === expected.length) return;
  const around = (b: Uint8Array) => hex(b.subarray(Math.max(0, i - 8), i + 8));
  fail(
    `${what}: first difference at byte ${i} of ${expected.length} (got ${actual.length}): ` +
      `expected …${around(expected)}…, got …${around(actual)}…`,
  );
}

/** Decoding gives `frame`, encoding `frame` gives the bytes back. */
function checkGolden(golden: V.GoldenFrame, decoder = new FrameDecoder(), encoder = new FrameEncoder()): void {
  const decoded = decoder.decode(golden.bytes);
  decoder.commit();
  assertEqual(decoded, golden.frame, 'decoded frame');
  assertSameBytes(encodeFrame(golden.frame, encoder), golden.bytes, 'encoded bytes');
}

function expectProtocolError(fn: () => unknown, code: ProtocolErrorCode): void {
  const err = assertThrows(fn, `expected ProtocolError('${code}')`);
  assert(err instanceof ProtocolError, `expected a ProtocolError, got ${String(err)}`);
  assertEqual(err.code, code, `error code (${err.message})`);
}

const emptyDelta = (seq: number): Frame => ({ kind: 'delta', seq, ops: [] });

describe('protocol golden: varints', () => {
  it('uv edge cases, as a seq: 0, 127, 128, 16383, 16384 ... 2^32 - 1', () => {
    for (const [value, seqHex] of V.UV_EDGES) {
      checkGolden({ bytes: bytes('01 01', seqHex), frame: emptyDelta(value) });
      // a snapshot puts its preamble count right after the seq
      checkGolden({ bytes: bytes('01 00', seqHex, '00'), frame: { kind: 'snapshot', seq: value, ops: [] } });
    }
  });

  it('non-minimal uv forms are read, and written back minimal', () => {
    for (const [received, value, minimal] of V.UV_NON_MINIMAL) {
      assertEqual(decodeFrame(bytes('01 01', received)), emptyDelta(value), received);
      assertEqual(hex(encodeFrame(emptyDelta(value))), hex(bytes('01 01', minimal)), `${value}`);
    }
  });

  it('sv edge cases, as POINTER x', () => {
    for (const [value, svHex] of V.SV_EDGES) {
      // POINTER x = value, y = 0
      checkGolden({
        bytes: bytes('01 01 00 0f', svHex, '00'),
        frame: { kind: 'delta', seq: 0, ops: [{ op: OpCode.Pointer, x: value, y: 0 }] },
      });
    }
  });

  it('rejects over-long and overflowing varints', () => {
    expectProtocolError(() => decodeFrame(bytes('01 01 80 80 80 80 80 00')), 'varint'); // 6 bytes
    expectProtocolError(() => decodeFrame(bytes('01 01 80 80 80 80 10')), 'varint'); // 2^32
    expectProtocolError(() => decodeFrame(bytes('01 01 ff ff ff ff 1f')), 'varint'); // over 2^32 in 5 bytes
    expectProtocolError(() => decodeFrame(bytes('01 01 ff ff')), 'truncated'); // ends inside the varint
  });
});

describe('protocol golden: ops', () => {
  for (const [name, golden] of Object.entries(V.OPS)) {
    it(name, () => checkGolden(golden));
  }

  it('targets are delta-coded, modulo 2^32', () => checkGolden(V.TARGETS));
  it('the largest ids (2^32 - 1)', () => checkGolden(V.LARGEST_IDS));

  it('the vectors cover every op code of SPEC.md (1-25) and every node kind (1-12)', () => {
    const all = [...Object.values(V.OPS), V.SNAPSHOT_DOCUMENT, V.EXTRAS, V.FOREIGN, V.FORM, V.FRAME_DOCUMENT].map((g) => g.frame);
    const ops = new Set(all.flatMap((f) => f.ops.map((o) => o.op as number)));
    const kinds = new Set(all.flatMap((f) => f.ops.flatMap((o) => (o.op === OpCode.Tree ? o.nodes.map((n) => n.kind as number) : []))));
    for (let code = 1; code <= 25; code++) assert(ops.has(code), `no vector for op ${code}`);
    for (let kind = 1; kind <= 12; kind++) assert(kinds.has(kind), `no vector for node kind ${kind}`);
  });
});

describe('protocol golden: trees', () => {
  it('a snapshot: empty preamble, document, doctype, elements, text, comment, form state', () => checkGolden(V.SNAPSHOT_DOCUMENT));
  it('extras: template content, frame document, shadow root', () => checkGolden(V.EXTRAS));
  it('SVG, MathML and other-namespace elements, CDATA, REF, ids out of order', () => checkGolden(V.FOREIGN));
  it('VALUE and SELECTED flags, empty attribute values', () => checkGolden(V.FORM));
  it("a frame's document: limited-quirks, an open shadow root", () => checkGolden(V.FRAME_DOCUMENT));

  it(`a chain of MAX_DEPTH (${MAX_DEPTH}) elements is accepted, one more is rejected`, () => {
    checkGolden(V.chain(MAX_DEPTH));
    expectProtocolError(() => decodeFrame(V.chain(MAX_DEPTH + 1).bytes), 'depth');
  });
});

describe('protocol golden: strings', () => {
  it('non-ASCII UTF-8: Japanese, umlauts, emoji (surrogate pairs), minimal headers', () => checkGolden(V.UTF8));
  it('values are interned up to 40 UTF-16 units; two-byte headers', () => checkGolden(V.LONG_STRINGS));

  it('the string table across deltas, a snapshot preamble and the delta after it', () => {
    const decoder = new FrameDecoder();
    const encoder = new FrameEncoder();
    for (const golden of V.TABLE_SEQUENCE.frames) checkGolden(golden, decoder, encoder);
  });

  it('a late viewer starts from the snapshot alone and reads the next delta', () => {
    const decoder = new FrameDecoder();
    for (const golden of V.TABLE_SEQUENCE.frames.slice(2)) {
      assertEqual(decoder.decode(golden.bytes), golden.frame);
      decoder.commit();
    }
  });

  it('the persistent table full: literals after 4,096 names; a snapshot carries all 4,096', () => {
    const decoder = new FrameDecoder();
    const encoder = new FrameEncoder();
    for (const golden of V.TABLE_FULL.frames) checkGolden(golden, decoder, encoder);
  });

  it('a snapshot interns up to 65,536 strings in all, then writes literals', () => {
    checkGolden(V.SNAPSHOT_TABLE_FULL);
    expectProtocolError(() => decodeFrame(V.SNAPSHOT_OVER_MAX), 'table-full');
  });
});

describe('protocol golden: invalid frames', () => {
  for (const bad of V.INVALID) {
    it(`${bad.name} → '${bad.code}'`, () => expectProtocolError(() => decodeFrame(bad.bytes), bad.code));
  }
  for (const bad of V.INVALID_AFTER) {
    it(`${bad.name} → '${bad.code}'`, () => {
      const decoder = new FrameDecoder();
      for (const before of bad.after ?? []) {
        decoder.decode(before);
        decoder.commit();
      }
      expectProtocolError(() => decoder.decode(bad.bytes), bad.code);
    });
  }
});

describe('protocol golden: the frame header', () => {
  // what the session routes by (a snapshot to the viewers waiting for one), read from the header alone
  it('kind 0 is a snapshot, kind 1 a delta: hand-written headers and the golden frames', () => {
    assertEqual(frameKind(bytes('01 00 05 00')), FrameKind.Snapshot);
    assertEqual(frameKind(bytes('01 01 06')), FrameKind.Delta);
    assertEqual(frameKind(V.SNAPSHOT_DOCUMENT.bytes), FrameKind.Snapshot);
    assertEqual(isSnapshotFrame(V.SNAPSHOT_DOCUMENT.bytes), true);
    assertEqual(isSnapshotFrame(bytes('01 01 06')), false);
  });

  it('another version, an unknown kind or no kind byte is neither', () => {
    for (const h of ['02 00 00 00', '00 00 00', '01 02 00', '01 ff 00', '01', '']) {
      assertEqual(frameKind(bytes(h)), null, `header ${h || '(empty)'}`);
      assertEqual(isSnapshotFrame(bytes(h)), false, `header ${h || '(empty)'}`);
    }
  });
});

// ---- session messages (SPEC.md, "Session messages") ---------------------------------------------------

describe('protocol golden: session messages', () => {
  it('FRAME: kind 0, then the frame', () => {
    const frame = V.OPS.REMOVE!.bytes;
    assertEqual(hex(frameMessage(frame)), hex(bytes('00', frame)));
  });

  it('CONTROL: kind 1, then UTF-8 JSON', () => {
    assertEqual(hex(controlMessage({ t: 'resync' })), hex(bytes('01', asc('{"t":"resync"}'))));
    // key order and spacing are not part of the format: check the kind byte and the JSON value
    const cases: Control[] = [{ t: 'bye', reason: 'done' }, { t: 'ping', id: 7 }, { t: 'pointer', x: -1.5, y: 20 }, { t: 'moving' }];
    for (const control of cases) {
      const message = controlMessage(control);
      assertEqual(message[0], 0x01, `kind of ${control.t}`);
      assertEqual(JSON.parse(new TextDecoder().decode(message.subarray(1))) as unknown, control);
    }
  });

  it('reads hand-written control JSON, each side what the other sends; an unknown t is ignored', () => {
    assertEqual(parseFromSharer(bytes(asc('{ "id": 3, "t": "pong" }'))), { t: 'pong', id: 3 });
    assertEqual(parseFromSharer(bytes(asc('{"t":"moving"}'))), { t: 'moving' });
    assertEqual(parseFromViewer(bytes(asc('{"t":"click","x":10,"y":-2}'))), { t: 'click', x: 10, y: -2 });
    assertEqual(parseFromViewer(bytes(asc('{"t":"resync"}'))), { t: 'resync' });
    for (const parse of [parseFromSharer, parseFromViewer]) {
      assertEqual(parse(bytes(asc('{"reason":"done","t":"bye"}'))), { t: 'bye', reason: 'done' });
      assertEqual(parse(bytes(asc('{ "t": "ping", "id": 4 }'))), { t: 'ping', id: 4 });
      assertEqual(parse(bytes(asc('{"t":"teleport"}'))), null);
      assertEqual(parse(bytes(asc('null'))), null);
      assertEqual(parse(bytes('7b ff 7d')), null); // not UTF-8
    }
    // what only the other side sends is not read: the sharer does not take a viewer's word for `moving`
    assertEqual(parseFromViewer(bytes(asc('{"t":"moving"}'))), null);
    assertEqual(parseFromSharer(bytes(asc('{"t":"resync"}'))), null);
  });
});

// ---- transport chunks (SPEC.md, "Transport chunks") ----------------------------------------------------

/** Message bytes 0, 1, 2 ... (n - 1), so that chunk contents are easy to spell. */
const counting = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i);

function chunksOf(message: Uint8Array, chunkSize?: number): string[] {
  const chunked = chunkMessage(message, chunkSize === undefined ? {} : { chunkSize });
  return Array.from({ length: chunked.count }, (_, i) => hex(chunked.chunk(i)));
}

function expectTransportError(fn: () => unknown, code: string): void {
  const err = assertThrows(fn, `expected TransportError('${code}')`);
  assert(err instanceof TransportError, `expected a TransportError, got ${String(err)}`);
  assertEqual(err.code, code);
}

describe('protocol golden: transport chunks', () => {
  it("SPEC.md's example: chunkSize 8, a 20-byte message", () => {
    assertEqual(chunksOf(counting(20), 8), [
      hex(bytes('01 00 00 00 14 00 01 02')), // FIRST, total 20 (u32 big-endian), m[0..3)
      hex(bytes('02 03 04 05 06 07 08 09')), // MORE m[3..10)
      hex(bytes('02 0a 0b 0c 0d 0e 0f 10')), // MORE m[10..17)
      hex(bytes('02 11 12 13')), //             MORE m[17..20)
    ]);
  });

  it('WHOLE when 1 + n ≤ chunkSize, FIRST/MORE past it; the empty message', () => {
    assertEqual(chunksOf(new Uint8Array(0), 8), ['00']);
    assertEqual(chunksOf(counting(7), 8), [hex(bytes('00 00 01 02 03 04 05 06'))]);
    assertEqual(chunksOf(counting(8), 8), [hex(bytes('01 00 00 00 08 00 01 02')), hex(bytes('02 03 04 05 06 07'))]);
  });

  it('default chunk size 16 KiB; total as 4 bytes big-endian', () => {
    const chunked = chunkMessage(counting(70000));
    assertEqual(chunked.count, 5); // 16379 + 3 × 16383 + 4472
    assertEqual(hex(chunked.chunk(0).subarray(0, 5)), '01 00 01 11 70'); // FIRST, 70000 = 0x00011170
    for (let i = 0; i < 4; i++) assertEqual(chunked.chunk(i).length, 16384, `chunk ${i}`);
    assertEqual(chunked.chunk(4).length, 4473);
    for (let i = 1; i < 5; i++) assertEqual(chunked.chunk(i)[0], 0x02, `chunk ${i} is MORE`);
  });

  it('reassembles hand-written chunks', () => {
    const r = new Reassembler();
    assertEqual(hex(r.push(bytes('00'))!), ''); // WHOLE, empty message
    assertEqual(hex(r.push(bytes('00 68 69'))!), '68 69'); // WHOLE "hi"
    assertEqual(r.push(bytes('01 00 00 00 05 68 65')), null); // FIRST, total 5, "he"
    assertEqual(r.push(bytes('02 6c')), null); // MORE "l"
    assertEqual(hex(r.push(bytes('02 6c 6f'))!), hex(bytes(asc('hello')))); // MORE "lo": complete
  });

  it('malformed chunks → chunk; a total over the limit → oversized', () => {
    const cases: Array<[string, string[], string]> = [
      ['an empty chunk', [''], 'chunk'],
      ['unknown kind 3', ['03 00'], 'chunk'],
      ['MORE without FIRST', ['02 61'], 'chunk'],
      ['FIRST shorter than 5 bytes', ['01 00 00 00'], 'chunk'],
      ['FIRST with more payload than its total', ['01 00 00 00 01 61 62'], 'chunk'],
      ['an empty MORE', ['01 00 00 00 05 61', '02'], 'chunk'],
      ['MORE past the total', ['01 00 00 00 02 61', '02 62 63'], 'chunk'],
      ['WHOLE inside a message', ['01 00 00 00 05 61', '00 62'], 'chunk'],
      ['FIRST inside a message', ['01 00 00 00 05 61', '01 00 00 00 01 62'], 'chunk'],
      ['total of 64 MiB + 1', ['01 04 00 00 01'], 'oversized'],
    ];
    for (const [what, chunks, code] of cases) {
      const r = new Reassembler();
      const last = chunks.pop()!;
      for (const c of chunks) assertEqual(r.push(bytes(c)), null, what);
      expectTransportError(() => r.push(bytes(last)), code);
    }
  });
});

// ---- secure channel (SPEC.md, "Secure channel") -------------------------------------------------------

const filled = (n: number, byte: number): Uint8Array => new Uint8Array(n).fill(byte);

function expectSecureError(fn: () => unknown, code: string, what = ''): void {
  const err = assertThrows(fn, `${what}: expected SecureError('${code}')`);
  assert(err instanceof SecureError, `${what}: expected a SecureError, got ${String(err)}`);
  assertEqual(err.code, code, `${what}: ${err.message}`);
}

describe('protocol golden: secure handshake messages', () => {
  it("'C' 'B' version type body, fixed sizes", () => {
    const T = (n: number) => n as HandshakeType;
    assertEqual(hex(encodeHandshake(T(1), filled(64, 0xaa))), hex(bytes('43 42 01 01', filled(64, 0xaa)))); // COMMIT
    assertEqual(hex(encodeHandshake(T(2), filled(32, 0xbb))), hex(bytes('43 42 01 02', filled(32, 0xbb)))); // KEY
    assertEqual(
      hex(encodeHandshake(T(3), filled(32, 0xcc), filled(32, 0xdd))),
      hex(bytes('43 42 01 03', filled(32, 0xcc), filled(32, 0xdd))),
    ); // REVEAL
    assertEqual(hex(encodeAbort('handshake')), '43 42 01 04 00');
    assertEqual(hex(encodeAbort('version')), '43 42 01 04 01');
    assertEqual(hex(encodeAbort('wrong-secret')), '43 42 01 04 02');
    assertEqual(hex(encodeAbort('timeout')), '43 42 01 04 03');
  });

  it('reads hand-written handshake messages; rejects other versions, types and sizes', () => {
    const key = decodeHandshake(bytes('43 42 01 02', filled(32, 0x07)));
    assertEqual(key.type as number, 2);
    assertEqual(hex(key.body), hex(filled(32, 0x07)));
    assertEqual(abortError(decodeHandshake(bytes('43 42 01 04 02')).body).code, 'wrong-secret');
    expectSecureError(() => decodeHandshake(bytes('43 42 02 02', filled(32, 0))), 'version');
    expectSecureError(() => decodeHandshake(bytes('43 42 01 05 00')), 'handshake');
    expectSecureError(() => decodeHandshake(bytes('43 42 01 02', filled(31, 0))), 'handshake');
    expectSecureError(() => decodeHandshake(bytes('43 42 01 04')), 'handshake');
  });
});

/** SHA-512 by the browser (WebCrypto): an implementation independent of the one under test. */
async function sha512(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-512', data));
}

/** H(parts…) as SPEC.md spells it: each part prefixed by its length, 2 bytes big-endian. */
function hashInput(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  return bytes(...parts.flatMap((p) => [[p.length >> 8, p.length & 0xff], p]));
}

describe('protocol golden: secure keys', () => {
  it('commitment, K, R and the SAS follow the spec layout', async () => {
    const secret = filled(16, 0x01);
    const shared = filled(32, 0x02);
    const viewerPub = filled(32, 0x03);
    const sharerPub = filled(32, 0x04);
    const nonce = filled(32, 0x05);
    const label = (s: string) => bytes(asc(`cobrowse-rtc/secure/1 ${s}`));
    // a spot check of the prefix: L_commit is 28 bytes → 00 1c
    assertEqual(hex(hashInput(label('commit')).subarray(0, 2)), '00 1c');
    assertEqual(hex(commitment(viewerPub, nonce)), hex(await sha512(hashInput(label('commit'), viewerPub, nonce))), 'commitment');
    const keys = deriveKeys(secret, shared, viewerPub, sharerPub);
    const k = await sha512(hashInput(label('keys'), secret, shared, viewerPub, sharerPub));
    assertEqual(hex(keys.viewerToSharer), hex(k.subarray(0, 32)), 'viewer → sharer key');
    assertEqual(hex(keys.sharerToViewer), hex(k.subarray(32, 64)), 'sharer → viewer key');
    const r = await sha512(hashInput(label('resume'), secret, shared, viewerPub, sharerPub));
    assertEqual(hex(keys.resume), hex(r.subarray(0, 32)), 'resumption secret');
    const s = await sha512(hashInput(label('sas'), secret, viewerPub, sharerPub));
    const forty = s.subarray(0, 5).reduce((n, b) => n * 256 + b, 0); // 40-bit big-endian
    assertEqual(keys.sas, String(forty % 1_000_000).padStart(6, '0'), 'SAS');
  });
});

/** The record nonce of SPEC.md: the counter as 8 bytes little-endian, then 16 zero bytes. */
function nonceOf(counterHex: string): Uint8Array {
  return bytes(counterHex, filled(24 - counterHex.split(' ').length, 0));
}

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const tick = () => new Promise<void>((r) => setTimeout(r, 0));

/** What the sharer's Sender (the side that compresses) starting at `firstCounter` puts on the wire for each message. */
async function sent(firstCounter: number, messages: Uint8Array[]): Promise<Uint8Array[]> {
  const [a, b] = createLoopbackPair();
  const wire: Uint8Array[] = [];
  b.onmessage = (m) => wire.push(m);
  const sender = new Sender(a, KEY, firstCounter, true);
  for (const m of messages) sender.send(m);
  for (let i = 0; i < 20 && wire.length < messages.length; i++) await tick();
  a.close();
  return wire;
}

/** A record as SPEC.md lays it out, sealed with upstream tweetnacl. */
function sealed(counterVarint: string, nonceCounter: string, plaintext: Uint8Array): Uint8Array {
  return bytes(counterVarint, nacl.secretbox(plaintext, nonceOf(nonceCounter), KEY));
}

/** The viewer's Receiver (it inflates) expecting counter 0; what it delivered. */
function receiver(): { r: Receiver; got: string[]; progress: string[]; closed: number[] } {
  const got: string[] = [];
  const progress: string[] = [];
  const closed: number[] = [];
  const r = new Receiver(
    KEY,
    0,
    64 * 1024 * 1024,
    {
      message: (m) => got.push(hex(m)),
      progress: (n, total) => progress.push(`${n}/${total}`),
      close: () => closed.push(1),
    },
    new SyncInflate(),
  );
  return { r, got, progress, closed };
}

describe('protocol golden: secure records', () => {
  it('record = varint(counter) ‖ secretbox(0x13 varint(total) payload), nonce = counter LE ‖ zeros', async () => {
    const hello = bytes(asc('hello'));
    const cases: Array<[number, string, string]> = [
      // [first counter, its varint, its 8 little-endian nonce bytes]
      [0, '00', '00 00 00 00 00 00 00 00'],
      [300, 'ac 02', '2c 01 00 00 00 00 00 00'],
      [2 ** 32 + 5, '85 80 80 80 10', '05 00 00 00 01 00 00 00'],
    ];
    for (const [counter, varint, le] of cases) {
      const [record] = await sent(counter, [hello]);
      assert(record, `a record for counter ${counter}`);
      const prefix = bytes(varint);
      assertEqual(hex(record.subarray(0, prefix.length)), hex(prefix), `counter ${counter}`);
      const plain = nacl.secretbox.open(record.subarray(prefix.length), nonceOf(le), KEY);
      assert(plain, `record ${counter} opens with the spec's nonce`);
      assertEqual(hex(plain), hex(bytes('13 05', hello)), 'DATA START|END, total 5, payload'); // under 32 bytes: no DEFLATE
    }
  });

  it('a message of 32 bytes or more: DATA START|END|DEFLATE, raw DEFLATE ending in a sync flush', async () => {
    const message = bytes(asc('abcdefgh'.repeat(8))); // 64 bytes
    const [record] = await sent(0, [message]);
    const plain = nacl.secretbox.open(record!.subarray(1), nonceOf('00'), KEY);
    assert(plain, 'opens');
    assertEqual(hex(plain.subarray(0, 2)), '17 40', 'DATA START|END|DEFLATE, total 64');
    const payload = plain.subarray(2);
    assertEqual(hex(payload.subarray(payload.length - 4)), '00 00 ff ff', 'ends with a sync flush');
    // an independent inflater: the browser's; a final empty stored block ends the stream for it
    const stream = new Blob([new Uint8Array(payload), bytes('01 00 00 ff ff')])
      .stream()
      .pipeThrough(new DecompressionStream('deflate-raw'));
    const inflated = new Uint8Array(await new Response(stream).arrayBuffer());
    assertEqual(hex(inflated), hex(message));
  });

  it('reads hand-sealed records: one-record, two-record, DEFLATE (stored block) and CLOSE', () => {
    const { r, got, progress, closed } = receiver();
    r.receive(sealed('00', '00', bytes('13 05', asc('hello')))); // counter 0: DATA START|END, total 5
    r.receive(sealed('01', '01', bytes('11 0a', asc('hello')))); // counter 1: DATA START, total 10
    r.receive(sealed('02', '02', bytes('12', asc('world')))); //   counter 2: DATA END
    r.receive(
      sealed(
        '03',
        '03',
        bytes(
          '17 05', //              DATA START|END|DEFLATE, total 5
          '00 05 00 fa ff', //     stored block (not final): LEN 5, NLEN ~5
          asc('hello'),
          '00 00 00 ff ff', //     sync flush: an empty stored block
        ),
      ),
    );
    r.receive(sealed('04', '04', bytes('02'))); //                  counter 4: CLOSE
    assertEqual(got, [hex(bytes(asc('hello'))), hex(bytes(asc('helloworld'))), hex(bytes(asc('hello')))]);
    assertEqual(progress, ['5/10', '10/10']);
    assertEqual(closed.length, 1);
  });

  it('rejects records as the spec says', () => {
    const cases: Array<[string, Uint8Array[], string]> = [
      ['shorter than varint + MAC + 1', [bytes('00', filled(16, 0))], 'truncated'],
      ['sealed under another counter', [sealed('00', '01', bytes('13 01 61'))], 'tampered'],
      ['counter ahead', [sealed('01', '01', bytes('13 01 61'))], 'reordered'],
      ['counter again', [sealed('00', '00', bytes('13 01 61')), sealed('00', '00', bytes('13 01 61'))], 'replayed'],
      ['DATA without START', [sealed('00', '00', bytes('12 61'))], 'truncated'],
      ['START inside a message', [sealed('00', '00', bytes('11 02 61')), sealed('01', '01', bytes('11 02 61'))], 'truncated'],
      ['END short of total', [sealed('00', '00', bytes('13 02 61'))], 'truncated'],
      ['more than total', [sealed('00', '00', bytes('13 01 61 62'))], 'oversized'],
      ['total over 64 MiB', [sealed('00', '00', bytes('11 81 80 80 20'))], 'oversized'], // 2^26 + 1
      ['does not inflate', [sealed('00', '00', bytes('17 01 ff ff'))], 'compression'],
    ];
    for (const [what, records, code] of cases) {
      const { r } = receiver();
      const last = records.pop()!;
      for (const rec of records) r.receive(rec);
      expectSecureError(() => r.receive(last), code, what);
    }
  });

  it('record counters: LEB128 up to 8 bytes', () => {
    const out = new Uint8Array(9);
    assertEqual(hex(out.subarray(0, writeVarint(out, 0, 2 ** 53 - 1))), 'ff ff ff ff ff ff ff 0f');
    assertEqual(readVarint(bytes('ff ff ff ff ff ff ff 0f'), 0), [2 ** 53 - 1, 8]);
    assertEqual(readVarint(bytes('80 80 80 80 80 80 80 80 01'), 0), null); // 9 bytes
    assertEqual(readVarint(bytes('ac 02'), 0), [300, 2]);
  });
});

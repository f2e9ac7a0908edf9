// Node side of bench/wire.mjs: what a list of messages would cost on OUR wire. Each message goes
// through the real sending half of the secure channel (src/secure/sender.ts: one DEFLATE stream per
// channel with the fixed sync flush per message, messages under 32 bytes uncompressed, records of at
// most 64 KiB, each `varint(counter) ‖ secretbox(type ‖ [varint(total)] ‖ payload)`, i.e. + 16 bytes
// MAC) and then the real transport chunker (src/transport/chunker.ts, 16 KiB chunks, 1- or 5-byte
// headers). Every message is prefixed with the session message kind byte (0 = FRAME), as ours are.
import { Sender } from '../../src/secure/sender.ts';
import { ChunkedMessage, DEFAULT_CHUNK_SIZE } from '../../src/transport/chunker.ts';

const enc = new TextEncoder();

/**
 * `messages`: strings (UTF-8) or Uint8Arrays. Bytes of messages with index ≥ `countFrom` are summed
 * (the earlier ones, e.g. a snapshot, only warm up the DEFLATE stream, as they do on the real channel).
 * Record 0 of the channel is CONFIRM, so data records start at counter 1.
 */
export async function wireBytes(messages, countFrom = 0) {
  let counting = false;
  let bytes = 0;
  let sends = 0;
  const transport = {
    bufferedAmount: 0,
    send(record) {
      if (!counting) return;
      bytes += new ChunkedMessage(record, DEFAULT_CHUNK_SIZE).byteLength;
      sends++;
    },
  };
  const key = new Uint8Array(32).fill(7);
  const sender = new Sender(transport, key, 1);
  let plain = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const body = typeof m === 'string' ? enc.encode(m) : m;
    const msg = new Uint8Array(body.length + 1);
    msg[0] = 0; // session message kind FRAME
    msg.set(body, 1);
    counting = i >= countFrom;
    if (counting) plain += msg.length;
    sender.send(msg);
    // a large message is worked off asynchronously: wait until it is all sealed
    while (sender.queued > 0) await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setImmediate(r));
  }
  return { bytes, sends, plain, messages: messages.length - countFrom };
}

// A WebSocket relay for tests: the transport of a browser without RTCPeerConnection (Debian's
// WebKitGTK). Two sockets that ask for the same rendezvous (`ws://host:port/<id>`) are paired, and
// each binary message of one is passed to the other as it is. Nothing else: no rooms, no auth, no
// parsing. What it carries is already sealed by the secure channel above the transport, which is what
// a test checks on `forwarded`, every message it passed on.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

/** The pair is complete: both sides may send (a text message, never confused with a binary one). */
export const RELAY_OPEN = 'open';
/** Largest message passed on: a snapshot of a big page fits. */
const MAX_MESSAGE = 64 * 1024 * 1024;

/**
 * @param {{ port?: number, host?: string }} [options]
 * @returns {Promise<{ url: string, forwarded: Buffer[], pairs: number, cut(): void, close(): Promise<void> }>}
 *   `pairs`: how many rendezvous were completed; `cut()` drops every socket without a goodbye.
 */
export async function startRelay({ port = 0, host = '127.0.0.1' } = {}) {
  const http = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server: http, maxPayload: MAX_MESSAGE });
  /** @type {Map<string, import('ws').WebSocket>} */
  const waiting = new Map();
  const relay = {
    url: '',
    /** @type {Buffer[]} */
    forwarded: [],
    pairs: 0,
    cut() {
      for (const ws of wss.clients) ws.terminate();
      waiting.clear();
    },
    async close() {
      relay.cut();
      await new Promise((resolve) => wss.close(() => http.close(() => resolve())));
    },
  };
  wss.on('connection', (ws, req) => {
    const id = decodeURIComponent((req.url ?? '/').slice(1));
    const other = waiting.get(id);
    if (!other) {
      waiting.set(id, ws);
      ws.on('close', () => waiting.get(id) === ws && waiting.delete(id));
      return;
    }
    waiting.delete(id);
    relay.pairs++;
    pipe(ws, other, relay.forwarded);
    pipe(other, ws, relay.forwarded);
    for (const s of [ws, other]) s.send(RELAY_OPEN);
  });
  await new Promise((resolve) => http.listen(port, host, resolve));
  relay.url = `ws://${host}:${http.address().port}/`;
  return relay;
}

/** `from`'s binary messages go to `to`, recorded; `from` closing closes `to` (a goodbye) or cuts it. */
function pipe(from, to, record) {
  from.on('message', (data, binary) => {
    if (!binary) return;
    const bytes = Buffer.isBuffer(data) ? data : Buffer.concat([].concat(data));
    record.push(bytes);
    to.send(bytes);
  });
  from.on('close', (code) => (code === 1000 ? to.close(1000) : to.terminate()));
}

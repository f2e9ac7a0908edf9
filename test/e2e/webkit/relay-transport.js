// A PeerTransport over a WebSocket relay (server/test-support/relay.mjs), for a session's
// `createTransport`: the link of a browser without RTCPeerConnection (Debian's WebKitGTK). A TEST
// transport: the relay sees every byte, which is fine only because the secure channel above seals
// them end to end (the test checks that on what the relay forwarded).
//
// The signals keep WebRTC's shape, since the session's router reads them: the initiator's offer names
// a fresh rendezvous as the SDP `o=` line's session id (a new id, a new connection; the same id, a
// repeated offer of this one), the answer echoes it. Both sides then open a WebSocket to that
// rendezvous; the relay says `open` once both are there.

/** The relay's word that both sides of a rendezvous are there (relay.mjs RELAY_OPEN). */
const RELAY_OPEN = 'open';
/** Milliseconds until `connected` rejects, as createPeerTransport's default. */
const CONNECT_TIMEOUT = 30_000;

/**
 * `createTransport` for sessions whose connections go through the relay at `url` (`ws://…/`).
 * `TransportError` is the class of the bundle the page loaded (errors must be that library's).
 */
export function relayTransport(url, TransportError) {
  return (options) => new RelayTransport(url, options, TransportError);
}

const sdpNaming = (id) => `v=0\r\no=- ${id} 1 IN IP4 0.0.0.0\r\ns=relay\r\n`;
const sdpSession = (sdp) => /^o=\S+ (\d+)/m.exec(sdp)?.[1];
/** A numeric id (the router reads `o=` ids as digits). */
const freshId = () => String(crypto.getRandomValues(new Uint32Array(1))[0]);

class RelayTransport {
  onmessage = null;
  onclose = null;
  onprogress = null;
  onstatechange = null; // never called: no ICE here, so link-check.ts has nothing to watch
  onerror = null;
  iceRestarts = 0;
  #ws = null;
  /** What was sent before the relay paired us (it drops what arrives for a half-empty rendezvous). */
  #early = [];
  #closed = false;
  get closed() {
    return this.#closed;
  }
  #opened = false;
  #settle;
  #timer;

  constructor(url, options, TransportError) {
    this.url = url;
    this.options = options;
    this.TransportError = TransportError;
    this.connected = new Promise((resolve, reject) => {
      this.#settle = (error) => (error ? reject(error) : resolve());
    });
    this.connected.catch(() => {});
    this.#timer = setTimeout(() => this.#fail('link', 'the relay did not pair us in time'), CONNECT_TIMEOUT);
    if (options.initiator) {
      const id = freshId();
      this.#open(id);
      // after the router has this transport in its table (it is returned first)
      queueMicrotask(() => this.#emit({ type: 'offer', sdp: sdpNaming(id) }));
    }
  }

  get bufferedAmount() {
    return (this.#ws?.bufferedAmount ?? 0) + this.#early.reduce((n, m) => n + m.length, 0);
  }

  /** The answerer joins the offer's rendezvous; a repeated offer, candidates and answers need nothing. */
  signal(signal) {
    if (this.#closed || this.options.initiator || signal.type !== 'offer' || this.#ws) return;
    const id = sdpSession(signal.sdp);
    if (!id) return this.#fail('link', 'an offer without a rendezvous');
    this.#open(id);
    this.#emit({ type: 'answer', sdp: signal.sdp });
  }

  send(data) {
    if (this.#closed) throw new this.TransportError('closed', 'send after close');
    if (this.#opened) this.#ws.send(data);
    else this.#early.push(data.slice());
  }

  /** Nothing to restart: a cut relay link closes the transport, and the session redials. */
  restartIce() {}

  close() {
    this.#finish('local');
  }

  #open(id) {
    const ws = (this.#ws = new WebSocket(this.url + encodeURIComponent(id)));
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (e) => {
      if (this.#closed) return;
      if (typeof e.data === 'string') return e.data === RELAY_OPEN && this.#ready();
      const max = this.options.maxReceiveSize ?? Infinity;
      if (e.data.byteLength > max) return this.#fail('oversized', `a message of ${e.data.byteLength} bytes is over ${max}`);
      this.onmessage?.(new Uint8Array(e.data));
    };
    // 1000: the other side closed (the relay passes that on); anything else: the link was cut
    ws.onclose = (e) =>
      e.code === 1000 && this.#opened ? this.#finish('remote') : this.#fail('link', `the relay link closed (${e.code})`);
  }

  #ready() {
    this.#opened = true;
    clearTimeout(this.#timer);
    for (const data of this.#early.splice(0)) this.#ws.send(data);
    this.#settle();
  }

  #emit(signal) {
    if (!this.#closed) this.options.onsignal(signal);
  }

  #fail(code, message) {
    if (this.#closed) return;
    const error = new this.TransportError(code, message);
    this.onerror?.(error);
    this.#finish('error', error);
  }

  #finish(reason, error) {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    if (!this.#opened) this.#settle(error ?? new this.TransportError('closed', 'closed before the relay paired us'));
    if (this.#ws) this.#ws.onmessage = this.#ws.onclose = null;
    this.#ws?.close(1000);
    queueMicrotask(() => this.onclose?.(reason));
  }
}

/**
 * A Transport over one WebRTC data channel, with simple-peer's API shape (initiator, config, signals
 * of type offer/answer/candidate fed in with `signal()`) but our own small wrapper of RTCPeerConnection:
 * simple-peer's browser bundle is 19–30 KB min+gz (stream and Buffer polyfills), most of the sharer's
 * 40 KB budget, and its `send()` neither chunks nor waits (the measurement is in the README).
 *
 * In Node, pass an implementation (`wrtc: require('@roamhq/wrtc')`), as with simple-peer.
 */
import type { Signal } from '../signaling/adapter.js';
import { ChannelSender } from './channel-sender.js';
import { CHUNK_READY, DEFAULT_CHUNK_SIZE, DEFAULT_MAX_MESSAGE_SIZE, Reassembler, chunkMessage } from './chunker.js';
import { TransportError, type Transport, type TransportCloseReason } from './transport.js';

/** Where RTCPeerConnection comes from outside a browser (`@roamhq/wrtc`, a node-datachannel adapter). */
/** Wait after ICE `disconnected` before restarting (a momentary loss may heal by itself). */
const RESTART_AFTER_DISCONNECTED_MS = 1000;
/** While the link stays down, an ICE restart this often. */
const RESTART_RETRY_MS = 2000;

export interface PeerImplementation {
  RTCPeerConnection: new (config?: RTCConfiguration) => RTCPeerConnection;
}

export interface PeerTransportOptions {
  /** The side that creates the data channel and sends the offer. Exactly one side must be it. */
  initiator: boolean;
  /** ICE servers etc. Default: the browser's defaults (no STUN/TURN servers). */
  config?: RTCConfiguration;
  /** Every signal to carry to the other side (offer or answer, then trickled candidates). */
  onsignal: (signal: Signal) => void;
  /** RTCPeerConnection for Node and other non-browser hosts. Default: the global one. */
  wrtc?: PeerImplementation;
  /** Bytes per data-channel message. Default 16 KiB (see chunker.ts for why). */
  chunkSize?: number;
  /** Largest message sent or received. Default 64 MiB. */
  maxMessageSize?: number;
  /**
   * Largest message received, when it should be smaller than what this side sends (a sharer sends
   * snapshots of megabytes, a viewer sends it a few bytes): a larger one fails the transport with
   * `TransportError('oversized')` before anything of it is allocated. Default `maxMessageSize`.
   */
  maxReceiveSize?: number;
  /** Stop handing chunks to the channel above this many buffered bytes. Default 1 MiB. */
  highWaterMark?: number;
  /** Resume when the channel's buffer drains to this. Default 256 KiB. */
  lowWaterMark?: number;
  /** Milliseconds until `connected` rejects and the transport closes with 'error'. Default 30000. */
  connectTimeout?: number;
  /**
   * Milliseconds a connection may stay ICE-`disconnected` or `failed` before it is given up (closes
   * with 'error'). Meanwhile the initiator restarts ICE (1 s after `disconnected`, at once on
   * `failed`, then every 2 s while the link stays down): a network change (Wi-Fi to cable, a new
   * address, a relay restarting) heals without a new data channel.
   * Default 15000.
   */
  iceRecoveryTimeout?: number;
}

export interface PeerTransport extends Transport {
  /** Feeds in a signal from the other side. Ignored after close. */
  signal(signal: Signal): void;
  /** Resolves when the data channel opens; rejects with `TransportError('link')` if it never does. */
  readonly connected: Promise<void>;
  readonly bufferedAmount: number;
  /** ICE connection state changes ('disconnected' may recover; 'failed' closes with 'error'). */
  onstatechange: ((state: RTCIceConnectionState) => void) | null;
  /** Why the transport failed, just before `onclose('error')`. */
  onerror: ((error: TransportError) => void) | null;
  /** Restarts ICE (initiator: a new offer with fresh ICE credentials; the other side answers it). */
  restartIce(): void;
  /** How many ICE restarts this transport has made. */
  readonly iceRestarts: number;
  /** True once it closed, from either side or on failure (whoever holds `onclose` now). */
  readonly closed: boolean;
}

export function createPeerTransport(options: PeerTransportOptions): PeerTransport {
  return new Peer(options);
}

const LABEL = 'cobrowse';
/** The initiator's first chunk: its channel is open, the other side may send (see `setChannel`). */
const READY = new Uint8Array([CHUNK_READY]);

class Peer implements PeerTransport {
  onmessage: ((data: Uint8Array) => void) | null = null;
  onclose: ((reason: TransportCloseReason) => void) | null = null;
  onprogress: ((received: number, total: number) => void) | null = null;
  onstatechange: ((state: RTCIceConnectionState) => void) | null = null;
  onerror: ((error: TransportError) => void) | null = null;
  readonly connected: Promise<void>;

  readonly #pc: RTCPeerConnection;
  readonly #sender: ChannelSender;
  readonly #reassembler: Reassembler;
  readonly #chunkSize: number;
  readonly #maxMessageSize: number;
  #channel: RTCDataChannel | null = null;
  #closed = false;
  #opened = false;
  /** Something arrived from the other side (the answerer sends nothing before). */
  #heard = false;
  /** Signals are applied one after another: each step awaits the previous one's SDP work. */
  #ops: Promise<void> = Promise.resolve();
  /** Candidates that arrived before the remote description (they cannot be added yet). */
  #early: RTCIceCandidateInit[] = [];
  #settle!: (error?: TransportError) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #recovery: { restart?: ReturnType<typeof setTimeout>; giveUp?: ReturnType<typeof setTimeout> } = {};
  iceRestarts = 0;

  constructor(private readonly options: PeerTransportOptions) {
    this.#chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.#maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    this.#reassembler = new Reassembler({
      maxMessageSize: Math.min(this.#maxMessageSize, options.maxReceiveSize ?? Infinity),
      onprogress: (received, total) => this.onprogress?.(received, total),
    });
    this.#sender = new ChannelSender({
      highWaterMark: options.highWaterMark ?? 1024 * 1024,
      lowWaterMark: options.lowWaterMark ?? 256 * 1024,
      onfailure: (err) => this.#fail(new TransportError('link', `the data channel refused a message: ${String(err)}`)),
    });
    this.connected = new Promise<void>((resolve, reject) => {
      this.#settle = (error) => (error ? reject(error) : resolve());
    });
    this.connected.catch(() => {}); // a caller that never awaits it must not get an unhandled rejection
    this.#timer = setTimeout(
      () => this.#fail(new TransportError('link', 'the data channel did not open in time')),
      options.connectTimeout ?? 30_000,
    );

    const PC = options.wrtc?.RTCPeerConnection ?? RTCPeerConnection;
    const pc = (this.#pc = new PC(options.config));
    pc.onicecandidate = (e) => {
      const c = e.candidate;
      // null (and '' in some stacks) marks the end of gathering: nothing to carry
      if (!c || !c.candidate || this.#closed) return;
      // a plain object: stacks differ in whether RTCIceCandidate has toJSON
      this.#emit({ type: 'candidate', candidate: { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex } });
    };
    pc.oniceconnectionstatechange = () => {
      const state = pc.iceConnectionState;
      this.onstatechange?.(state);
      this.#recover(state);
    };
    if (options.initiator) {
      this.#setChannel(pc.createDataChannel(LABEL, { ordered: true }));
      this.#queue(async () => {
        const offer = await pc.createOffer();
        await pc.setLocalDescription(offer);
        this.#emit({ type: 'offer', sdp: offer.sdp ?? '' });
      });
    } else {
      pc.ondatachannel = (e) => {
        if (!this.#channel) this.#setChannel(e.channel);
      };
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  get bufferedAmount(): number {
    return this.#sender.bufferedAmount;
  }

  send(data: Uint8Array): void {
    if (this.#closed) throw new TransportError('closed', 'send after close');
    if (data.length > this.#maxMessageSize) {
      throw new TransportError('oversized', `a message of ${data.length} bytes is over the limit of ${this.#maxMessageSize}`);
    }
    this.#sender.enqueue(chunkMessage(data, { chunkSize: this.#chunkSize }));
  }

  restartIce(): void {
    if (this.#closed || !this.options.initiator) return;
    this.iceRestarts++;
    this.#queue(async () => {
      const offer = await this.#pc.createOffer({ iceRestart: true });
      await this.#pc.setLocalDescription(offer);
      this.#emit({ type: 'offer', sdp: offer.sdp ?? '' });
    });
  }

  /**
   * Before the channel opens, ICE failure is final (connectTimeout covers the rest). After, a
   * disconnected or failed link gets ICE restarts (initiator) and `iceRecoveryTimeout` to come back.
   */
  #recover(state: RTCIceConnectionState): void {
    if (state === 'connected' || state === 'completed') {
      clearTimeout(this.#recovery.restart);
      clearTimeout(this.#recovery.giveUp);
      this.#recovery = {};
      return;
    }
    if (state !== 'disconnected' && state !== 'failed') return;
    if (!this.#opened) {
      if (state === 'failed') this.#fail(new TransportError('link', 'ICE failed: no route to the other side'));
      return;
    }
    // 'failed' at once (unless a restart is already due); 'disconnected' after a moment, since by the
    // time it is reported consent checks have gone unanswered for seconds, but a blip may still heal
    this.#scheduleRestart(state === 'failed' ? 0 : RESTART_AFTER_DISCONNECTED_MS);
    this.#recovery.giveUp ??= setTimeout(
      () => this.#fail(new TransportError('link', 'the connection was lost and did not come back')),
      this.options.iceRecoveryTimeout ?? 15_000,
    );
  }

  /**
   * An ICE restart after `delay`, then another every RESTART_RETRY_MS while the link is still down:
   * a restart made while no path exists (the network not back yet) finds nothing, and the next one
   * must be tried. Each is an offer through the chat, so never faster than that.
   */
  #scheduleRestart(delay: number): void {
    if (this.#recovery.restart !== undefined) return;
    this.#recovery.restart = setTimeout(() => {
      this.#recovery.restart = undefined;
      const state = this.#pc.iceConnectionState;
      if (this.#closed || state === 'connected' || state === 'completed') return;
      this.restartIce();
      this.#scheduleRestart(RESTART_RETRY_MS);
    }, delay);
  }

  signal(signal: Signal): void {
    if (this.#closed) return;
    const pc = this.#pc;
    if (signal.type === 'candidate') {
      this.#queue(async () => {
        if (pc.remoteDescription) await this.#addCandidate(signal.candidate);
        else this.#early.push(signal.candidate);
      });
      return;
    }
    if ((signal.type === 'offer') === this.options.initiator) {
      this.#fail(
        new TransportError('link', `unexpected ${signal.type}: both sides are ${this.options.initiator ? '' : 'not '}the initiator`),
      );
      return;
    }
    this.#queue(async () => {
      await pc.setRemoteDescription({ type: signal.type, sdp: signal.sdp });
      if (signal.type === 'offer') {
        const answer = await pc.createAnswer();
        await pc.setLocalDescription(answer);
        this.#emit({ type: 'answer', sdp: answer.sdp ?? '' });
      }
      const early = this.#early;
      this.#early = [];
      for (const c of early) await this.#addCandidate(c);
    });
  }

  close(): void {
    this.#finish('local');
  }

  /**
   * The answerer sends nothing until the initiator's first chunk (READY) has arrived. Chromium loses,
   * now and then, what the answerer sends the moment its channel opens when it reaches the
   * initiator before the initiator's own channel is open there (measured on the demo: 5 navigations
   * in 255, where the sharer's next page dials while its main thread is busy loading; the viewer's
   * handshake hello never fired `message` there, the resumed handshake hung until its 5 s timeout).
   * The initiator sends READY from its `open` handler, so its channel is open before anything is
   * sent to it. An initiator that never sends READY but speaks first (this library before READY, as
   * the viewer of a first connection) releases the answerer all the same.
   */
  #setChannel(channel: RTCDataChannel): void {
    this.#channel = channel;
    channel.binaryType = 'arraybuffer';
    // both senders start held: the initiator's until READY is out (it goes ahead of anything
    // queued), the answerer's until something from the initiator has arrived
    this.#sender.attach(channel, true);
    channel.onopen = () => {
      this.#opened = true;
      clearTimeout(this.#timer);
      if (this.options.initiator) this.#sendReady(channel);
      if (!this.#closed) this.#settle();
    };
    channel.onclose = () => {
      if (this.#opened) this.#finish('remote');
      else this.#fail(new TransportError('link', 'the data channel closed before it opened'));
    };
    channel.onmessage = (e: MessageEvent<ArrayBuffer | string>) => {
      if (this.#closed) return;
      let message: Uint8Array | null;
      try {
        if (typeof e.data === 'string') throw new TransportError('chunk', 'malformed chunk: a text message');
        const chunk = new Uint8Array(e.data);
        if (this.#firstFromInitiator(chunk)) return;
        message = this.#reassembler.push(chunk);
      } catch (err) {
        // a lost message would silently break everything above (counters, string tables): fail loudly
        this.#fail(err instanceof TransportError ? err : new TransportError('chunk', String(err)));
        return;
      }
      if (message) this.onmessage?.(message);
    };
  }

  #sendReady(channel: RTCDataChannel): void {
    try {
      channel.send(READY);
      this.#sender.release();
    } catch (err) {
      this.#fail(new TransportError('link', `the data channel refused a message: ${String(err)}`));
    }
  }

  /** The answerer's first chunk releases its sender; true when it was READY (nothing more to do). */
  #firstFromInitiator(chunk: Uint8Array): boolean {
    if (this.options.initiator || this.#heard) return false;
    this.#heard = true;
    this.#sender.release();
    return chunk.length === 1 && chunk[0] === CHUNK_READY;
  }

  async #addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    // one unusable candidate (an mDNS name that does not resolve, say) must not end the link: ICE
    // tries the others, and reports 'failed' if none works
    await this.#pc.addIceCandidate(candidate).catch(() => {});
  }

  #queue(step: () => Promise<void>): void {
    this.#ops = this.#ops
      .then(() => (this.#closed ? undefined : step()))
      .catch((err: unknown) => this.#fail(new TransportError('link', `signaling failed: ${String(err)}`)));
  }

  #emit(signal: Signal): void {
    if (!this.#closed) this.options.onsignal(signal);
  }

  #fail(error: TransportError): void {
    if (this.#closed) return;
    this.onerror?.(error);
    this.#finish('error', error);
  }

  #finish(reason: TransportCloseReason, error?: TransportError): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#recovery.restart);
    clearTimeout(this.#recovery.giveUp);
    this.#sender.clear();
    this.#reassembler.reset();
    if (!this.#opened) this.#settle(error ?? new TransportError('closed', 'closed before the data channel opened'));
    const ch = this.#channel;
    if (ch) ch.onopen = ch.onclose = ch.onmessage = null;
    this.#pc.oniceconnectionstatechange = this.#pc.onicecandidate = null;
    // closing the connection ends the SCTP association: the other side's channel closes at once
    ch?.close();
    this.#pc.close();
    queueMicrotask(() => this.onclose?.(reason));
  }
}

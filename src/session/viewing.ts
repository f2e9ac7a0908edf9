/**
 * The viewer's (agent's) side: one secure channel to the sharer, frames applied to a Mirror.
 *
 * A frame the mirror rejects changes nothing there (the mirror applies whole frames or nothing); the
 * viewer then asks the sharer for a snapshot once and ignores deltas until it arrives, so a bad
 * frame costs a resync, never a wrong picture.
 */
import { Mirror } from '../mirror/index.js';
import { FrameKind } from '../protocol/constants.js';
import { decodeSecret, openSecureChannel, type SecureChannel } from '../secure/index.js';
import { SecureError } from '../secure/types.js';
import type { SignalingAdapter } from '../signaling/adapter.js';
import type { Transport } from '../transport/transport.js';
import { deferred, Emitter } from './events.js';
import { controlMessage, MessageKind, parseControl } from './messages.js';
import { dial, useSignaling } from './rtc.js';
import type { EndReason, Progress, SessionState, StateChange, ViewingOptions } from './types.js';

export interface ViewingEvents {
  state: StateChange;
  /** The handshake is done: show this 6-digit code; the customer sees the same one unless someone is in between. */
  sas: string;
  /** A large message (a snapshot) is arriving. */
  progress: Progress;
  /** A frame was applied (after the mirror changed). */
  frame: { seq: number; snapshot: boolean };
  /** Round-trip time to the sharer over the secure channel, in ms (after each `ping()`). */
  latency: number;
  error: Error;
}

export class ViewingSession extends Emitter<ViewingEvents> {
  readonly mirror: Mirror;
  sas: string | null = null;
  private currentState: SessionState = 'connecting';
  private channel: SecureChannel | null = null;
  private transport: Transport | null = null;
  private signaling: { adapter: SignalingAdapter; owned: boolean } | null = null;
  private resyncRequested = false;
  private pings = new Map<number, number>();
  private nextPing = 1;
  private readonly settled = deferred();
  /** Resolves when the first snapshot has been applied; rejects if the session ends first. */
  readonly connected = this.settled.promise;

  constructor(private readonly options: ViewingOptions) {
    super();
    this.mirror = new Mirror(options.container, {
      ...options.mirror,
      onError: (error) => this.emit('error', error instanceof Error ? error : new Error(String(error))),
    });
  }

  get state(): SessionState {
    return this.currentState;
  }

  /** Sends the agent's pointer to the sharer (drawn over the customer's page, never a click there). */
  pointer(x: number, y: number): void {
    this.control({ t: 'pointer', x, y });
  }

  click(x: number, y: number): void {
    this.control({ t: 'click', x, y });
  }

  /** Measures the round trip to the sharer; the result arrives as a `latency` event. */
  ping(): void {
    const id = this.nextPing++;
    this.pings.set(id, performance.now());
    this.control({ t: 'ping', id });
  }

  /** Ends the session (the sharer is told) and removes the mirror. */
  stop(reason: EndReason = 'stopped'): void {
    if (this.currentState === 'ended') return;
    this.control({ t: 'bye', reason });
    this.end(reason);
  }

  /** @internal started by startViewing */
  async start(): Promise<void> {
    const { transport, signaling, invitation, rtc } = this.options;
    const secretText = this.options.secret ?? invitation?.secret;
    if (secretText === undefined) throw new TypeError('startViewing needs the invitation secret');
    const secret = typeof secretText === 'string' ? decodeSecret(secretText) : secretText;
    if (transport) {
      this.transport = transport;
    } else {
      if (!signaling || !invitation) throw new TypeError('startViewing needs a transport, or signaling and an invitation');
      this.signaling = useSignaling(signaling);
      const { adapter } = this.signaling;
      adapter.onerror = (error) => this.emit('error', error);
      try {
        await adapter.ready;
      } catch (error) {
        this.end('signaling');
        throw error;
      }
      this.transport = dial(adapter, invitation.peer, rtc);
    }
    openSecureChannel(this.transport, {
      role: 'viewer',
      secret,
      handshakeTimeout: this.options.handshakeTimeout,
    }).then(
      (channel) => this.attach(channel),
      (error: unknown) => {
        this.emit('error', error instanceof Error ? error : new Error(String(error)));
        this.end(error instanceof SecureError ? error.code : 'handshake');
      },
    );
  }

  private attach(channel: SecureChannel): void {
    if (this.currentState === 'ended') return channel.close();
    this.channel = channel;
    this.sas = channel.sas;
    channel.onmessage = (message) => this.receive(message);
    channel.onprogress = (received, total) => this.emit('progress', { received, total });
    channel.onclose = (error) => this.end(error ? error.code : 'remote-stopped');
    this.emit('sas', channel.sas);
  }

  private receive(message: Uint8Array): void {
    if (message[0] === MessageKind.Frame) return this.applyFrame(message.subarray(1));
    if (message[0] !== MessageKind.Control) return;
    const control = parseControl(message.subarray(1));
    if (control?.t === 'bye') return this.end('remote-stopped');
    if (control?.t === 'ping') return this.control({ t: 'pong', id: control.id });
    if (control?.t === 'pong') {
      const sent = this.pings.get(control.id);
      this.pings.delete(control.id);
      if (sent !== undefined) this.emit('latency', performance.now() - sent);
    }
  }

  private applyFrame(frame: Uint8Array): void {
    const snapshot = frame[1] === FrameKind.Snapshot;
    if (this.resyncRequested && !snapshot) return; // deltas before the asked-for snapshot are moot
    try {
      this.mirror.apply(frame);
    } catch (error) {
      if (!this.resyncRequested) {
        this.resyncRequested = true;
        this.emit('error', error instanceof Error ? error : new Error(String(error)));
        this.control({ t: 'resync' });
      }
      return;
    }
    if (snapshot) this.resyncRequested = false;
    this.emit('frame', { seq: this.mirror.seq, snapshot });
    if (snapshot && this.currentState === 'connecting') {
      this.currentState = 'connected';
      this.emit('state', { state: 'connected' });
      this.settled.resolve();
    }
  }

  private control(message: Parameters<typeof controlMessage>[0]): void {
    if (this.channel && this.currentState !== 'ended') this.channel.send(controlMessage(message));
  }

  private end(reason: EndReason): void {
    if (this.currentState === 'ended') return;
    this.currentState = 'ended';
    this.channel?.close();
    this.transport?.close();
    if (this.signaling) {
      this.signaling.adapter.onsignal = null;
      if (this.signaling.owned) this.signaling.adapter.close();
    }
    this.mirror.destroy();
    this.settled.reject(new Error(`the session ended: ${reason}`));
    this.emit('state', { state: 'ended', reason });
  }
}

/**
 * Views a shared page in `options.container`. With `transport`: over it, with `secret`. With
 * `signaling` and the sharer's `invitation` (from the chat): dials the sharer over WebRTC.
 * Resolves once set up; `session.connected` resolves when the first snapshot is shown.
 */
export async function startViewing(options: ViewingOptions): Promise<ViewingSession> {
  const session = new ViewingSession(options);
  await session.start();
  return session;
}

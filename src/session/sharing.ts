/**
 * The sharer's side of a co-browse session: one capture of the page, fanned out to every viewer
 * through that viewer's own secure channel (its own keys, its own authentication code).
 *
 * A viewer receives nothing until its handshake is done; then it gets a snapshot of its own
 * (`capture.resync()`, routed to that viewer only) and from then on the live deltas every viewer
 * gets. Snapshots carry the seq of the last delta they include, so a late joiner continues the one
 * live sequence. Masking happens inside capture, before any of this: masked data never gets here.
 */
import { capture, type CaptureHandle } from '../capture/index.js';
import { FrameKind } from '../protocol/constants.js';
import { openSecureChannel, randomSecret, decodeSecret, encodeSecret, type SecureChannel } from '../secure/index.js';
import { SecureError } from '../secure/types.js';
import type { SignalingAdapter } from '../signaling/adapter.js';
import type { Transport } from '../transport/transport.js';
import { deferred, Emitter } from './events.js';
import { controlMessage, frameMessage, MessageKind, parseControl } from './messages.js';
import { answer, useSignaling } from './rtc.js';
import type { EndReason, Invitation, SessionState, SharingOptions, StateChange, ViewerInfo } from './types.js';

export interface SharingEvents {
  state: StateChange;
  /** A viewer finished its handshake (its `sas` is set) — show its code to the customer. */
  viewerjoined: ViewerInfo;
  viewerleft: ViewerInfo & { reason: EndReason };
  /** The agent's pointer and clicks (annotations, never remote control), in this page's CSS pixels. */
  pointer: { viewer: string; x: number; y: number };
  click: { viewer: string; x: number; y: number };
  /** Something went wrong that did not end the session (a viewer refused, a capture error). */
  error: Error;
}

interface Viewer {
  info: ViewerInfo;
  channel: SecureChannel;
  /** Gets deltas: its snapshot has been sent. */
  live: boolean;
}

export class SharingSession extends Emitter<SharingEvents> {
  /** With signaling: what to post in the chat so the agent's viewer can join. */
  invitation: Invitation | null = null;
  private currentState: SessionState = 'connecting';
  private readonly viewers = new Map<string, Viewer>();
  /** Viewers whose next snapshot is on its way (routed by `route`). */
  private readonly awaitingSnapshot = new Set<Viewer>();
  private handle: CaptureHandle | null = null;
  private readonly secret: Uint8Array;
  private readonly transports = new Set<Transport>();
  private signaling: { adapter: SignalingAdapter; owned: boolean } | null = null;
  private readonly settled = deferred();
  /** Resolves when the first viewer is connected; rejects if the session ends first. */
  readonly connected = this.settled.promise;

  constructor(private readonly options: SharingOptions) {
    super();
    const { secret } = options;
    this.secret = secret === undefined ? randomSecret() : typeof secret === 'string' ? decodeSecret(secret) : secret;
  }

  get state(): SessionState {
    return this.currentState;
  }

  /** The viewers connected now, in the order they joined. */
  get viewerList(): ViewerInfo[] {
    return [...this.viewers.values()].map((v) => ({ ...v.info }));
  }

  /** The authentication code of the first viewer (the agent), or null before one connected. */
  get sas(): string | null {
    return this.viewers.values().next().value?.info.sas ?? null;
  }

  /** Ends the session for every viewer (each is told why), stops capturing, closes everything. */
  stop(reason: EndReason = 'stopped'): void {
    if (this.currentState === 'ended') return;
    // forget the viewers first: their channels' close callbacks then find nothing to drop
    const viewers = [...this.viewers.values()];
    this.viewers.clear();
    for (const viewer of viewers) {
      viewer.channel.send(controlMessage({ t: 'bye', reason }));
      viewer.channel.close();
    }
    for (const transport of this.transports) transport.close();
    this.end(reason);
  }

  /** @internal started by startSharing */
  async start(): Promise<void> {
    const { transport, signaling } = this.options;
    if (transport) {
      this.addViewer('transport', transport);
      return;
    }
    if (!signaling) throw new TypeError('startSharing needs a transport or signaling');
    this.signaling = useSignaling(signaling);
    const { adapter } = this.signaling;
    adapter.onerror = (error) => this.emit('error', error);
    const peers = answer(
      adapter,
      this.options.rtc,
      (from) => this.currentState !== 'ended' && !this.viewers.has(from) && this.viewers.size < (this.options.maxViewers ?? 8),
      (from, peer) => {
        const previous = peer.onclose;
        peer.onclose = (reason) => {
          peers.delete(from);
          previous?.(reason);
        };
        this.addViewer(from, peer);
      },
    );
    try {
      await adapter.ready;
    } catch (error) {
      this.end('signaling');
      throw error;
    }
    this.invitation = { peer: adapter.id, secret: encodeSecret(this.secret) };
  }

  private addViewer(id: string, transport: Transport): void {
    this.transports.add(transport);
    // The handshake starts now, synchronously, so no early message from the viewer is missed.
    openSecureChannel(transport, {
      role: 'sharer',
      secret: this.secret,
      handshakeTimeout: this.options.handshakeTimeout,
    }).then(
      (channel) => {
        if (this.currentState === 'ended') return channel.close();
        const viewer: Viewer = { info: { id, sas: channel.sas }, channel, live: false };
        this.viewers.set(id, viewer);
        channel.onmessage = (message) => this.receive(viewer, message);
        // a close without an error is the viewer's own close() (its bye may have been dropped with its queue)
        channel.onclose = (error) => this.dropViewer(viewer, error ? error.code : 'remote-stopped');
        this.sendSnapshot(viewer);
        this.emit('viewerjoined', { ...viewer.info });
        this.setState('connected');
      },
      (error: unknown) => {
        this.transports.delete(transport);
        transport.close();
        this.emit('error', error instanceof Error ? error : new SecureError('handshake', String(error)));
        // over a given transport there is only this one viewer: its failure ends the session
        if (this.options.transport) this.end(error instanceof SecureError ? error.code : 'handshake');
      },
    );
  }

  private dropViewer(viewer: Viewer, reason: EndReason): void {
    if (this.viewers.get(viewer.info.id) !== viewer) return;
    this.viewers.delete(viewer.info.id);
    this.awaitingSnapshot.delete(viewer);
    this.emit('viewerleft', { ...viewer.info, reason });
    if (this.options.transport) this.end(reason);
  }

  private receive(viewer: Viewer, message: Uint8Array): void {
    if (message[0] !== MessageKind.Control) return; // a viewer sends no frames
    const control = parseControl(message.subarray(1));
    if (!control) return;
    switch (control.t) {
      case 'resync':
        this.sendSnapshot(viewer);
        break;
      case 'ping':
        viewer.channel.send(controlMessage({ t: 'pong', id: control.id }));
        break;
      case 'bye':
        this.dropViewer(viewer, 'remote-stopped'); // first: close() below reports a plain close
        viewer.channel.close();
        break;
      case 'pointer':
      case 'click':
        this.emit(control.t, { viewer: viewer.info.id, x: control.x, y: control.y });
        break;
    }
  }

  /** Starts the capture on the first viewer; later viewers get a resync snapshot of their own. */
  private sendSnapshot(viewer: Viewer): void {
    this.awaitingSnapshot.add(viewer);
    if (this.handle) {
      this.handle.resync();
      return;
    }
    const { document: doc = document, mask, batch } = this.options;
    this.handle = capture(doc, {
      onFrame: (frame) => this.route(frame),
      mask,
      batch,
      onError: (error) => this.emit('error', error instanceof Error ? error : new Error(String(error))),
    });
  }

  /** Snapshots go to the viewers waiting for one (who then go live); deltas to the live viewers. */
  private route(frame: Uint8Array): void {
    const snapshot = frame[1] === FrameKind.Snapshot;
    if (snapshot && this.awaitingSnapshot.size === 0) return;
    const message = frameMessage(frame);
    if (snapshot) {
      for (const viewer of this.awaitingSnapshot) {
        viewer.channel.send(message);
        viewer.live = true;
      }
      this.awaitingSnapshot.clear();
      return;
    }
    for (const viewer of this.viewers.values()) if (viewer.live) viewer.channel.send(message);
  }

  private setState(state: SessionState, reason?: EndReason): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.emit('state', reason === undefined ? { state } : { state, reason });
    if (state === 'connected') this.settled.resolve();
  }

  private end(reason: EndReason): void {
    if (this.currentState === 'ended') return;
    this.handle?.stop();
    this.handle = null;
    if (this.signaling) {
      this.signaling.adapter.onsignal = null;
      if (this.signaling.owned) this.signaling.adapter.close();
    }
    this.settled.reject(new Error(`the session ended: ${reason}`));
    this.setState('ended', reason);
  }
}

/**
 * Shares `options.document` (default: this page). Call it after the customer has consented.
 * With `transport`: one viewer over it. With `signaling`: resolves once the signaling channel is
 * ready, with `session.invitation` to post in the chat; every viewer that dials in with it joins.
 */
export async function startSharing(options: SharingOptions = {}): Promise<SharingSession> {
  const session = new SharingSession(options);
  await session.start();
  return session;
}

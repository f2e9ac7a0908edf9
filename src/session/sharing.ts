/**
 * The sharer's side of a co-browse session: one capture of the page, fanned out to every viewer
 * through that viewer's own secure channel (its own keys, its own authentication code).
 *
 * A viewer receives nothing until its handshake is done; then it gets a snapshot of its own
 * (`capture.resync()`, routed to that viewer only) and from then on the live deltas every viewer
 * gets. Snapshots carry the seq of the last delta they include, so a late joiner continues the one
 * live sequence. Masking happens inside capture, before any of this: masked data never gets here.
 *
 * A viewer whose connection is lost stays a viewer for `reconnectTimeout`: it may come back (it
 * redials; a handshake under the channel's resumption secret proves it is the same viewer) and gets
 * a fresh snapshot, so whatever changed in the gap is shown. When this page navigates, the next
 * page of the site calls `resumeSharing()` and dials the viewers itself (persist.ts).
 */
import { capture, type CaptureHandle } from '../capture/index.js';
import { FrameKind } from '../protocol/constants.js';
import { decodeSecret, openSecureChannel, randomSecret, type SecureChannel } from '../secure/index.js';
import { encodeSecret } from '../secure/secret.js';
import { SecureError } from '../secure/types.js';
import type { SignalingAdapter } from '../signaling/adapter.js';
import type { Transport } from '../transport/transport.js';
import { deferred, Emitter } from './events.js';
import { controlMessage, frameMessage, MessageKind, parseControl } from './messages.js';
import { loadSharing, saveSharing, type StoredViewer } from './persist.js';
import { PeerRouter, RESUME_HANDSHAKE_MS, useSignaling } from './router.js';
import type { EndReason, Invitation, SessionState, SharingOptions, StateChange, ViewerInfo } from './types.js';

export interface SharingEvents {
  state: StateChange;
  /** A viewer finished its handshake (its `sas` is set) — show its code to the customer. */
  viewerjoined: ViewerInfo;
  /** A viewer's connection was lost; it may come back within `reconnectTimeout`. */
  viewerreconnecting: ViewerInfo;
  /** A viewer came back (same code: the resumed channel is bound to the first one). */
  viewerresumed: ViewerInfo;
  viewerleft: ViewerInfo & { reason: EndReason };
  /** The agent's pointer and clicks (annotations, never remote control), in this page's CSS pixels. */
  pointer: { viewer: string; x: number; y: number };
  click: { viewer: string; x: number; y: number };
  /** Something went wrong that did not end the session (a viewer refused, a capture error). */
  error: Error;
}

interface Viewer {
  info: ViewerInfo;
  /** Null while the viewer is reconnecting. */
  channel: SecureChannel | null;
  /** Gets deltas: its snapshot has been sent on the current channel. */
  live: boolean;
  /** The resumption secret of its first channel (SPEC.md, "Keys and SAS"). */
  resume: Uint8Array;
  grace?: ReturnType<typeof setTimeout>;
  redial?: ReturnType<typeof setInterval>;
  /** A handshake with it is under way. */
  attempting?: boolean;
}

/** How often the sharer dials a viewer it is waiting for (after a navigation). */
const REDIAL_MS = 3000;


const TRANSPORT_VIEWER = 'transport';

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
  private router: PeerRouter | null = null;
  private readonly settled = deferred();
  /** This page is going away (pagehide): it answers no one any more; its next page takes over. */
  private leaving = false;
  private readonly onPageHide = () => {
    this.leaving = true;
    this.broadcast(controlMessage({ t: 'moving' }));
  };
  /** Resolves when the first viewer is connected; rejects if the session ends first. */
  readonly connected = this.settled.promise;

  constructor(
    private readonly options: SharingOptions,
    private readonly resumeFrom: StoredViewer[] = [],
  ) {
    super();
    const { secret } = options;
    this.secret = secret === undefined ? randomSecret() : typeof secret === 'string' ? decodeSecret(secret) : secret;
  }

  get state(): SessionState {
    return this.currentState;
  }

  /** The viewers now (connected or reconnecting), in the order they joined. */
  get viewerList(): ViewerInfo[] {
    return [...this.viewers.values()].map((v) => ({ ...v.info }));
  }

  /** The authentication code of the first viewer (the agent), or null before one connected. */
  get sas(): string | null {
    return this.viewers.values().next().value?.info.sas ?? null;
  }

  private get doc(): Document {
    return this.options.document ?? document;
  }

  private get persisting(): boolean {
    return !!this.signaling && this.options.persist !== false;
  }

  /** Ends the session for every viewer (each is told why), stops capturing, closes everything. */
  stop(reason: EndReason = 'stopped'): void {
    if (this.currentState === 'ended') return;
    // forget the viewers first: their channels' close callbacks then find nothing to drop
    const viewers = [...this.viewers.values()];
    this.viewers.clear();
    for (const viewer of viewers) {
      this.stopWaiting(viewer);
      viewer.channel?.send(controlMessage({ t: 'bye', reason }));
      viewer.channel?.close();
    }
    for (const transport of this.transports) transport.close();
    this.end(reason);
  }

  /** @internal started by startSharing */
  async start(): Promise<void> {
    const { transport, signaling } = this.options;
    if (transport) {
      this.connect(TRANSPORT_VIEWER, transport);
      return;
    }
    if (!signaling) throw new TypeError('startSharing needs a transport or signaling');
    this.signaling = useSignaling(signaling);
    const { adapter } = this.signaling;
    adapter.onerror = (error) => this.emit('error', error);
    this.router = new PeerRouter(adapter, {
      rtc: this.options.rtc,
      admit: (from) =>
        this.currentState !== 'ended' &&
        !this.leaving &&
        (this.viewers.has(from) || this.viewers.size < (this.options.maxViewers ?? 8)),
      onPeer: (from, peer) => this.connect(from, peer),
    });
    try {
      await adapter.ready;
    } catch (error) {
      this.end('signaling');
      throw error;
    }
    this.invitation = { peer: adapter.id, secret: encodeSecret(this.secret) };
    this.doc.defaultView?.addEventListener('pagehide', this.onPageHide);
    this.persist();
    // the previous page's viewers: this page has a new address, so it dials them (and again, until
    // they answer: one attempt can meet a viewer still busy with the old page)
    for (const stored of this.resumeFrom) {
      const viewer: Viewer = { info: { id: stored.address, sas: stored.sas }, channel: null, live: false, resume: stored.resume };
      this.viewers.set(stored.address, viewer);
      this.waitFor(viewer, true);
    }
    if (this.resumeFrom.length) this.updateState();
  }

  /** Runs the handshake on a new transport from `address`; a known viewer must prove its resumption secret. */
  private connect(address: string, transport: Transport): void {
    this.transports.add(transport);
    const known = this.viewers.get(address);
    if (known) known.attempting = true;
    const settled = () => {
      if (known) known.attempting = false;
    };
    // started now, synchronously, so no early message from the viewer is missed
    openSecureChannel(transport, {
      role: 'sharer',
      secret: known ? known.resume : this.secret,
      // a resume is retried: a stuck attempt should give way soon (ICE included, even over TURN)
      handshakeTimeout: known ? Math.min(this.options.handshakeTimeout ?? RESUME_HANDSHAKE_MS, RESUME_HANDSHAKE_MS) : this.options.handshakeTimeout,
    }).then(
      (channel) => {
        settled();
        this.adopt(address, channel);
      },
      (error: unknown) => {
        settled();
        this.transports.delete(transport);
        transport.close();
        this.emit('error', error instanceof Error ? error : new SecureError('handshake', String(error)));
        // over a given transport there is only this one viewer: its failure ends the session
        if (this.options.transport) this.end(error instanceof SecureError ? error.code : 'handshake');
      },
    );
  }

  private adopt(address: string, channel: SecureChannel): void {
    if (this.currentState === 'ended') return channel.close();
    let viewer = this.viewers.get(address);
    const resumed = !!viewer;
    if (viewer) {
      this.stopWaiting(viewer);
      this.retire(viewer);
      viewer.channel = channel;
    } else {
      viewer = { info: { id: address, sas: channel.sas }, channel, live: false, resume: channel.resumeSecret };
      this.viewers.set(address, viewer);
    }
    const v = viewer;
    channel.onmessage = (message) => this.receive(v, message);
    channel.onclose = (error) => {
      if (v.channel !== channel) return;
      // a close without an error is the viewer's own close() (its bye may have gone with its queue)
      if (!error || !this.signaling) return this.dropViewer(v, error ? error.code : 'remote-stopped');
      this.lose(v);
    };
    this.sendSnapshot(v);
    this.emit(resumed ? 'viewerresumed' : 'viewerjoined', { ...v.info });
    this.persist();
    this.updateState();
  }

  /** Detaches and closes a viewer's current channel (a newer one replaces it, or it is gone). */
  private retire(viewer: Viewer): void {
    const old = viewer.channel;
    viewer.channel = null;
    viewer.live = false;
    this.awaitingSnapshot.delete(viewer);
    if (old) {
      old.onclose = old.onmessage = null;
      old.close();
    }
  }

  /** The viewer's connection is gone: keep its place for `reconnectTimeout`. */
  private lose(viewer: Viewer): void {
    this.retire(viewer);
    this.waitFor(viewer);
    this.emit('viewerreconnecting', { ...viewer.info });
    this.updateState();
  }

  /**
   * Keeps a lost viewer's place for `reconnectTimeout`. Exactly one side dials, so two connections
   * never race each other: when the link was lost, the viewer (it knows this page's address); after
   * a navigation (`dial`), this new page — at once, and again every few seconds while no attempt is
   * under way (one attempt can meet a viewer still busy with the old page).
   */
  private waitFor(viewer: Viewer, dial = false): void {
    this.stopWaiting(viewer);
    viewer.grace = setTimeout(() => this.dropViewer(viewer, 'unreachable'), this.options.reconnectTimeout ?? 30_000);
    if (!dial) return;
    const attempt = () => {
      if (viewer.channel || viewer.attempting || this.leaving || this.viewers.get(viewer.info.id) !== viewer) return;
      this.router?.dial(viewer.info.id);
    };
    attempt();
    viewer.redial = setInterval(attempt, REDIAL_MS);
  }

  private stopWaiting(viewer: Viewer): void {
    clearTimeout(viewer.grace);
    clearInterval(viewer.redial);
    viewer.grace = viewer.redial = undefined;
  }

  private dropViewer(viewer: Viewer, reason: EndReason): void {
    if (this.viewers.get(viewer.info.id) !== viewer) return;
    this.stopWaiting(viewer);
    this.viewers.delete(viewer.info.id);
    this.retire(viewer);
    this.emit('viewerleft', { ...viewer.info, reason });
    this.persist();
    if (this.options.transport) return this.end(reason);
    this.updateState();
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
        viewer.channel?.send(controlMessage({ t: 'pong', id: control.id }));
        break;
      case 'bye':
        this.dropViewer(viewer, 'remote-stopped');
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
    const { mask, batch } = this.options;
    this.handle = capture(this.doc, {
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
        if (!viewer.channel) continue;
        viewer.channel.send(message);
        viewer.live = true;
      }
      this.awaitingSnapshot.clear();
      return;
    }
    for (const viewer of this.viewers.values()) if (viewer.live) viewer.channel?.send(message);
  }

  private broadcast(message: Uint8Array): void {
    for (const viewer of this.viewers.values()) viewer.channel?.send(message);
  }

  private persist(): void {
    if (!this.persisting || this.currentState === 'ended') return;
    const viewers = [...this.viewers.values()].map((v) => ({ address: v.info.id, sas: v.info.sas, resume: v.resume }));
    saveSharing(this.doc.defaultView, { secret: this.secret, viewers });
  }

  /** connected: a viewer has a channel; reconnecting: viewers, none connected now; connecting: none yet. */
  private updateState(): void {
    if (this.currentState === 'ended') return;
    const all = [...this.viewers.values()];
    const state: SessionState = all.some((v) => v.channel) ? 'connected' : all.length ? 'reconnecting' : 'connecting';
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit('state', { state });
    if (state === 'connected') this.settled.resolve();
  }

  private end(reason: EndReason): void {
    if (this.currentState === 'ended') return;
    for (const viewer of this.viewers.values()) this.stopWaiting(viewer);
    this.handle?.stop();
    this.handle = null;
    this.doc.defaultView?.removeEventListener('pagehide', this.onPageHide);
    if (this.persisting) saveSharing(this.doc.defaultView, null);
    this.router?.detach();
    if (this.signaling?.owned) this.signaling.adapter.close();
    this.settled.reject(new Error(`the session ended: ${reason}`));
    this.currentState = 'ended';
    this.emit('state', { state: 'ended', reason });
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

/**
 * On a page of the site the sharer navigated to (or reloaded): continues the session the previous
 * page of this tab was sharing — same secret, same viewers, no new invitation or consent — or
 * resolves null when there is none. Needs `signaling` (this page's own address on it).
 */
export async function resumeSharing(options: SharingOptions & { signaling: NonNullable<SharingOptions['signaling']> }): Promise<SharingSession | null> {
  const stored = loadSharing((options.document ?? document).defaultView);
  if (!stored) return null;
  const session = new SharingSession({ ...options, secret: stored.secret }, stored.viewers);
  await session.start();
  return session;
}

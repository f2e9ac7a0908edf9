/**
 * The sharer's side of a co-browse session: one capture of the page, fanned out to every viewer
 * through that viewer's own secure channel (its own keys, its own authentication code).
 *
 * A viewer receives nothing until its handshake is done AND the customer approved it (approval.ts,
 * `SharingOptions.approve`): meanwhile it is told it waits (`pending`) and nothing is captured for
 * it. Once approved it gets a snapshot of its own (`capture.resync()`, routed to that viewer only)
 * and from then on the live deltas every viewer gets. Snapshots carry the seq of the last delta they
 * include, so a late joiner continues the one live sequence. Masking happens inside capture, before
 * any of this: masked data never gets here.
 *
 * An approved viewer whose connection is lost stays a viewer for `reconnectTimeout`: it may come
 * back (it redials; a handshake under the channel's resumption secret proves it is the same viewer)
 * and gets a fresh snapshot, so whatever changed in the gap is shown. Each resumption replaces the
 * resumption secret with the new channel's. When this page navigates, the next page of the site
 * calls `resumeSharing()` and dials the viewers itself (persist.ts).
 *
 * What a viewer may send is bounded (limits.ts): small messages only, and a rate per kind.
 */
import { capture, type CaptureHandle } from '../capture/index.js';
import { FrameKind } from '../protocol/constants.js';
import { decodeSecret, openSecureChannel, randomSecret, type SecureChannel } from '../secure/index.js';
import { encodeSecret } from '../secure/secret.js';
import { SecureError } from '../secure/types.js';
import type { SignalingAdapter } from '../signaling/adapter.js';
import type { PeerTransport } from '../transport/peer.js';
import type { Transport, TransportError } from '../transport/transport.js';
import { approveMode, codeMatches, DEFAULT_APPROVAL_TIMEOUT, MAX_CODE_TRIES } from './approval.js';
import { deferred, Emitter } from './events.js';
import { SessionError, viewerBuckets, VIEWER_MESSAGE_MAX, VIEWER_TRANSPORT_MAX, type LimitedKind, type TokenBucket } from './limits.js';
import { controlMessage, frameMessage, MessageKind, parseControl } from './messages.js';
import { loadSharing, saveSharing, type StoredViewer } from './persist.js';
import { PeerRouter, RESUME_HANDSHAKE_MS, useSignaling } from './router.js';
import type {
  ApprovalEnd,
  ApprovalRequest,
  ApproveMode,
  EndReason,
  Invitation,
  SessionState,
  SharingOptions,
  StateChange,
  ViewerInfo,
  ViewerRequest,
} from './types.js';

export interface SharingEvents {
  state: StateChange;
  /** A viewer finished its handshake and waits for the customer (`approve(id)` / `deny(id)`). */
  approval: ApprovalRequest;
  /** A request is over: approved, denied, timed out, or the viewer went away. */
  approvalended: ApprovalEnd;
  /** A viewer was approved and gets the page from now on — its code is `sas`. */
  viewerjoined: ViewerInfo;
  /** A viewer's connection was lost; it may come back within `reconnectTimeout`. */
  viewerreconnecting: ViewerInfo;
  /** A viewer came back (same code: the resumed channel is bound to the first one). */
  viewerresumed: ViewerInfo;
  viewerleft: ViewerInfo & { reason: EndReason };
  /** The agent's pointer and clicks (annotations, never remote control), in this page's CSS pixels. */
  pointer: { viewer: string; x: number; y: number };
  click: { viewer: string; x: number; y: number };
  /**
   * Something went wrong that did not end the session: a viewer refused (SecureError, TransportError
   * `oversized`), a viewer over its rate (SessionError `rate-limited`, once per stretch), a capture error.
   */
  error: Error;
}

interface Viewer {
  info: ViewerInfo;
  /** Null while the viewer is reconnecting. */
  channel: SecureChannel | null;
  /** Gets deltas: its snapshot has been sent on the current channel. */
  live: boolean;
  /** The resumption secret of its current channel (SPEC.md, "Keys and SAS"). */
  resume: Uint8Array;
  /**
   * The secret the last resumption was made with, until the viewer has spoken on the new channel:
   * if the link died between the two sides' CONFIRMs, the viewer still holds this one.
   */
  previous: Uint8Array | null;
  /** The next resumption tries `previous` (the last one failed with the current secret). */
  tryPrevious: boolean;
  buckets: Record<LimitedKind, TokenBucket>;
  grace?: ReturnType<typeof setTimeout>;
  redial?: ReturnType<typeof setInterval>;
  /** A handshake with it is under way. */
  attempting?: boolean;
}

/** A viewer whose handshake is done, waiting for the customer. It is sent `pending` and nothing else. */
interface Pending {
  request: ViewerRequest;
  channel: SecureChannel;
  transport: Transport;
  timer: ReturnType<typeof setTimeout>;
  /** Wrong codes typed so far (`'code'` mode). */
  wrong: number;
  ping: TokenBucket;
}

/** How often the sharer dials a viewer it is waiting for (after a navigation). */
const REDIAL_MS = 3000;
/** A refused viewer's channel stays open this long after its `bye`, so the reason reaches it. */
const BYE_GRACE_MS = 2000;

const TRANSPORT_VIEWER = 'transport';

export class SharingSession extends Emitter<SharingEvents> {
  /** With signaling: what to post in the chat so the agent's viewer can join. */
  invitation: Invitation | null = null;
  private currentState: SessionState = 'connecting';
  /** Approved viewers, in the order they joined. */
  private readonly viewers = new Map<string, Viewer>();
  private readonly pending = new Map<string, Pending>();
  /** Addresses the customer denied: a denied viewer does not ask again in this session. */
  private readonly refused = new Set<string>();
  /** Transports that failed because the viewer broke the rules (oversized or malformed chunks). */
  private readonly violations = new WeakMap<Transport, TransportError>();
  /** Viewers whose next snapshot is on its way (routed by `route`). */
  private readonly awaitingSnapshot = new Set<Viewer>();
  private handle: CaptureHandle | null = null;
  private readonly secret: Uint8Array;
  private readonly mode: ApproveMode;
  private readonly transports = new Set<Transport>();
  private signaling: { adapter: SignalingAdapter; owned: boolean } | null = null;
  private router: PeerRouter | null = null;
  private refresh: ReturnType<typeof setInterval> | undefined;
  private readonly settled = deferred();
  /** This page is going away (pagehide): it answers no one any more; its next page takes over. */
  private leaving = false;
  private readonly onPageHide = () => {
    if (this.leaving) return; // once: a second pagehide (the frame removed later) must not write stale state
    this.leaving = true;
    this.broadcast(controlMessage({ t: 'moving' }));
    // the next page does not know the viewers still waiting: they are not left waiting for nothing
    for (const p of [...this.pending.values()]) this.refuse(p, 'approval-timeout');
    // the last contact: the stored state expires reconnectTimeout from now. After this the next
    // page owns the stored state: this one never writes it again
    this.save();
    clearInterval(this.refresh);
  };
  /** Resolves when the first viewer is connected (approved); rejects if the session ends first. */
  readonly connected = this.settled.promise;

  constructor(
    private readonly options: SharingOptions,
    private readonly resumeFrom: StoredViewer[] = [],
  ) {
    super();
    const { secret } = options;
    this.mode = approveMode(options.approve);
    this.secret = secret === undefined ? randomSecret() : typeof secret === 'string' ? decodeSecret(secret) : secret;
  }

  get state(): SessionState {
    return this.currentState;
  }

  /** The approved viewers now (connected or reconnecting), in the order they joined. */
  get viewerList(): ViewerInfo[] {
    return [...this.viewers.values()].map((v) => ({ ...v.info }));
  }

  /** The viewers waiting for approval (as the `approval` event describes them). */
  get pendingList(): ApprovalRequest[] {
    return [...this.pending.values()].map((p) => this.describe(p));
  }

  /** The code of the first approved viewer (the agent), or null before one was approved. */
  get sas(): string | null {
    return this.viewers.values().next().value?.info.sas ?? null;
  }

  private get doc(): Document {
    return this.options.document ?? document;
  }

  private get persisting(): boolean {
    return !!this.signaling && this.options.persist !== false;
  }

  /**
   * Lets a waiting viewer see the page. With `code` (required in `'code'` mode) the code must be the
   * viewer's: a wrong one returns false, and the third wrong one denies the viewer. Returns true
   * when the viewer is approved, false when it is not (or is no longer) waiting.
   */
  approve(id: string, code?: string): boolean {
    const p = this.pending.get(id);
    if (!p) return false;
    if (this.mode === 'code' && typeof code !== 'string') {
      throw new TypeError("approve(id, code): this session's approve mode is 'code': pass the code the agent reads out");
    }
    if (code !== undefined && !codeMatches(code, p.request.sas)) {
      if (++p.wrong >= MAX_CODE_TRIES) this.refuse(p, 'denied');
      return false;
    }
    return this.grant(p);
  }

  /** Refuses a waiting viewer: it is told `denied`, gets nothing, and may not ask again in this session. */
  deny(id: string): void {
    const p = this.pending.get(id);
    if (p) this.refuse(p, 'denied');
  }

  /** Ends the session for every viewer (each is told why), stops capturing, closes everything. */
  stop(reason: EndReason = 'stopped'): void {
    if (this.currentState === 'ended') return;
    // forget the viewers first: their channels' close callbacks then find nothing to drop
    const viewers = [...this.viewers.values()];
    const pending = [...this.pending.values()];
    this.viewers.clear();
    this.pending.clear();
    for (const viewer of viewers) this.stopWaiting(viewer);
    for (const p of pending) clearTimeout(p.timer);
    for (const channel of [...viewers.map((v) => v.channel), ...pending.map((p) => p.channel)]) {
      if (!channel) continue;
      channel.onclose = channel.onmessage = null;
      try {
        channel.send(controlMessage({ t: 'bye', reason }));
      } catch {
        // already closed
      }
      channel.close();
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
      maxReceiveSize: VIEWER_TRANSPORT_MAX,
      admit: (from) => this.admits(from),
      onPeer: (from, peer) => {
        this.watchViolations(peer);
        this.connect(from, peer);
      },
    });
    try {
      await adapter.ready;
    } catch (error) {
      this.end('signaling');
      throw error;
    }
    this.invitation = { peer: adapter.id, secret: encodeSecret(this.secret) };
    this.doc.defaultView?.addEventListener('pagehide', this.onPageHide);
    this.resumeStored();
    this.persist();
    // the stored state expires reconnectTimeout after the last contact: refreshed while this page lives
    if (this.persisting) this.refresh = setInterval(() => this.persist(), Math.max(1000, this.reconnectTimeout / 3));
  }

  private get reconnectTimeout(): number {
    return this.options.reconnectTimeout ?? 30_000;
  }

  /** Whether to answer a new connection from `from`. */
  private admits(from: string): boolean {
    if (this.currentState === 'ended' || this.leaving || this.refused.has(from)) return false;
    if (this.viewers.has(from) || this.pending.has(from)) return true;
    return this.viewers.size + this.pending.size < (this.options.maxViewers ?? 8);
  }

  /** The previous page's viewers: this page has a new address, so it dials them (and again, until they answer). */
  private resumeStored(): void {
    for (const stored of this.resumeFrom) {
      const viewer: Viewer = {
        info: { id: stored.address, sas: stored.sas, name: stored.name },
        channel: null,
        live: false,
        resume: stored.resume,
        previous: stored.previous,
        tryPrevious: false,
        buckets: viewerBuckets(performance.now()),
      };
      this.viewers.set(stored.address, viewer);
      this.waitFor(viewer, true);
    }
    if (this.resumeFrom.length) this.updateState();
  }

  /** A viewer that sends what no viewer sends (an oversized or malformed message) is dropped, not awaited. */
  private watchViolations(peer: PeerTransport): void {
    peer.onerror = (error) => {
      if (error.code === 'oversized' || error.code === 'chunk') this.violations.set(peer, error);
    };
  }

  /** Runs the handshake on a new transport from `address`; a known viewer must prove its resumption secret. */
  private connect(address: string, transport: Transport): void {
    this.transports.add(transport);
    const known = this.viewers.get(address);
    if (known) known.attempting = true;
    const secret = known ? (known.tryPrevious && known.previous ? known.previous : known.resume) : this.secret;
    // started now, synchronously, so no early message from the viewer is missed
    openSecureChannel(transport, {
      role: 'sharer',
      secret,
      // a resume is retried: a stuck attempt should give way soon (ICE included, even over TURN)
      handshakeTimeout: known ? Math.min(this.options.handshakeTimeout ?? RESUME_HANDSHAKE_MS, RESUME_HANDSHAKE_MS) : this.options.handshakeTimeout,
      maxMessageSize: VIEWER_MESSAGE_MAX,
    }).then(
      (channel) => {
        if (known) known.attempting = false;
        if (known) this.resumed(known, channel, transport, secret);
        else this.handshaken(address, channel, transport);
      },
      (error: unknown) => {
        if (known) {
          known.attempting = false;
          // the viewer may still hold the secret before the last resumption: the next attempt tries it
          if (error instanceof SecureError && error.code === 'wrong-secret' && known.previous) known.tryPrevious = !known.tryPrevious;
        }
        this.transports.delete(transport);
        transport.close();
        this.emit('error', error instanceof Error ? error : new SecureError('handshake', String(error)));
        // over a given transport there is only this one viewer: its failure ends the session
        if (this.options.transport) this.end(error instanceof SecureError ? error.code : 'handshake');
      },
    );
  }

  /** A new viewer finished its handshake: it waits for the customer, and is told so. */
  private handshaken(address: string, channel: SecureChannel, transport: Transport): void {
    if (this.currentState === 'ended' || this.leaving || this.viewers.has(address)) return channel.close();
    const old = this.pending.get(address);
    if (old) this.endPending(old, 'replaced');
    const request: ViewerRequest = { id: address, sas: channel.sas, name: this.nameOf(address) };
    const p: Pending = {
      request,
      channel,
      transport,
      wrong: 0,
      ping: viewerBuckets(performance.now()).ping,
      timer: setTimeout(() => this.refuse(p, 'approval-timeout'), this.options.approvalTimeout ?? DEFAULT_APPROVAL_TIMEOUT),
    };
    this.pending.set(address, p);
    channel.onmessage = (message) => this.receivePending(p, message);
    channel.onclose = (error) => {
      const violation = this.violation(transport, error);
      if (violation) this.emit('error', violation);
      this.endPending(p, violation ? violation.code : error ? error.code : 'remote-stopped');
    };
    channel.send(controlMessage({ t: 'pending' }));
    this.ask(p);
  }

  /** The viewer's name in this side's chat; a throwing `viewerName` is reported, not fatal. */
  private nameOf(address: string): string | null {
    try {
      const name = this.options.viewerName?.(address);
      return typeof name === 'string' && name ? name : null;
    } catch (error) {
      this.emit('error', error instanceof Error ? error : new Error(String(error)));
      return null;
    }
  }

  /** Asks the site's function, or tells the UI (`approval`). */
  private ask(p: Pending): void {
    const mode = this.mode;
    if (typeof mode !== 'function') {
      this.emit('approval', this.describe(p));
      return;
    }
    let answer: Promise<boolean>;
    try {
      answer = Promise.resolve(mode({ ...p.request }));
    } catch (error) {
      answer = Promise.reject(error);
    }
    answer.then(
      (allowed) => void (allowed === true ? this.grant(p) : this.refuse(p, 'denied')),
      (error: unknown) => {
        this.emit('error', error instanceof Error ? error : new Error(String(error)));
        this.refuse(p, 'denied');
      },
    );
  }

  private describe(p: Pending): ApprovalRequest {
    const mode = this.mode === 'code' ? 'code' : 'prompt';
    // in 'code' mode the customer must hear the code from the agent: this page does not show it
    return { id: p.request.id, name: p.request.name, mode, sas: mode === 'code' ? null : p.request.sas };
  }

  /** Takes `p` out of the waiting list; false when it was no longer there (answered, gone). */
  private unpend(p: Pending): boolean {
    if (this.pending.get(p.request.id) !== p) return false;
    this.pending.delete(p.request.id);
    clearTimeout(p.timer);
    return true;
  }

  /** Approved: it becomes a viewer and gets its snapshot. False when it was no longer waiting. */
  private grant(p: Pending): boolean {
    if (this.currentState === 'ended' || !this.unpend(p)) return false;
    const { id, sas, name } = p.request;
    const viewer: Viewer = {
      info: { id, sas, name },
      channel: p.channel,
      live: false,
      resume: p.channel.resumeSecret,
      previous: null,
      tryPrevious: false,
      buckets: viewerBuckets(performance.now()),
    };
    viewer.buckets.ping = p.ping;
    this.viewers.set(id, viewer);
    this.emit('approvalended', { id, approved: true });
    this.attach(viewer, p.channel, p.transport);
    this.sendSnapshot(viewer);
    this.emit('viewerjoined', { ...viewer.info });
    this.persist();
    this.updateState();
    return true;
  }

  /** Denied or not answered: it is told why and gets nothing else; its channel closes. */
  private refuse(p: Pending, reason: 'denied' | 'approval-timeout'): void {
    if (!this.unpend(p)) return;
    if (reason === 'denied') this.refused.add(p.request.id);
    const channel = p.channel;
    channel.onmessage = null;
    channel.onclose = null;
    try {
      channel.send(controlMessage({ t: 'bye', reason }));
    } catch {
      // already closed
    }
    // the viewer closes on `bye`; a link that drops data on close (a data channel) gets a moment first
    setTimeout(() => channel.close(), BYE_GRACE_MS);
    this.emit('approvalended', { id: p.request.id, approved: false, reason });
    if (this.options.transport) this.end(reason);
  }

  /** The waiting viewer went away (closed, replaced, broke a limit). */
  private endPending(p: Pending, reason: EndReason): void {
    if (!this.unpend(p)) return;
    p.channel.onclose = p.channel.onmessage = null;
    p.channel.close();
    this.emit('approvalended', { id: p.request.id, approved: false, reason });
    if (this.options.transport) this.end(reason);
  }

  /** A waiting viewer may ping and leave; nothing else it sends does anything. */
  private receivePending(p: Pending, message: Uint8Array): void {
    if (message[0] !== MessageKind.Control) return;
    const control = parseControl(message.subarray(1));
    if (control?.t === 'bye') this.endPending(p, 'remote-stopped');
    else if (control?.t === 'ping' && p.ping.take(performance.now())) p.channel.send(controlMessage({ t: 'pong', id: control.id }));
  }

  /** A known viewer is back on a new channel: the new channel's resumption secret replaces the one it proved. */
  private resumed(viewer: Viewer, channel: SecureChannel, transport: Transport, proved: Uint8Array): void {
    if (this.currentState === 'ended' || this.viewers.get(viewer.info.id) !== viewer) return channel.close();
    this.stopWaiting(viewer);
    this.retire(viewer);
    viewer.channel = channel;
    viewer.previous = proved;
    viewer.resume = channel.resumeSecret;
    viewer.tryPrevious = false;
    this.attach(viewer, channel, transport);
    this.sendSnapshot(viewer);
    this.emit('viewerresumed', { ...viewer.info });
    this.persist();
    this.updateState();
  }

  private attach(v: Viewer, channel: SecureChannel, transport: Transport): void {
    channel.onmessage = (message) => this.receive(v, message);
    channel.onclose = (error) => {
      if (v.channel !== channel) return;
      const violation = this.violation(transport, error);
      if (violation) {
        this.emit('error', violation);
        return this.dropViewer(v, violation.code);
      }
      // a close without an error is the viewer's own close() (its bye may have gone with its queue)
      if (!error || !this.signaling) return this.dropViewer(v, error ? error.code : 'remote-stopped');
      this.lose(v);
    };
  }

  /** The rule a viewer broke when its channel closed (an oversized message), or null for a lost link. */
  private violation(transport: Transport, error: SecureError | null): SecureError | TransportError | null {
    if (error?.code === 'oversized') return error;
    return this.violations.get(transport) ?? null;
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
    viewer.grace = setTimeout(() => this.dropViewer(viewer, 'unreachable'), this.reconnectTimeout);
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
    if (viewer.previous) {
      // the viewer speaks on the new channel: it adopted the new secret, the old one is dead
      viewer.previous = null;
      this.persist();
    }
    if (message[0] !== MessageKind.Control) return; // a viewer sends no frames
    const control = parseControl(message.subarray(1));
    if (!control) return;
    switch (control.t) {
      case 'resync':
        if (this.allow(viewer, 'resync')) this.sendSnapshot(viewer);
        break;
      case 'ping':
        if (this.allow(viewer, 'ping')) viewer.channel?.send(controlMessage({ t: 'pong', id: control.id }));
        break;
      case 'bye':
        this.dropViewer(viewer, 'remote-stopped');
        break;
      case 'pointer':
      case 'click':
        if (this.allow(viewer, control.t)) this.emit(control.t, { viewer: viewer.info.id, x: control.x, y: control.y });
        break;
    }
  }

  /** Takes a token from the viewer's bucket for `kind`; reports the first refusal of a stretch. */
  private allow(viewer: Viewer, kind: LimitedKind): boolean {
    const bucket = viewer.buckets[kind];
    if (bucket.take(performance.now())) {
      bucket.limited = false;
      return true;
    }
    if (!bucket.limited) {
      bucket.limited = true;
      this.emit('error', new SessionError('rate-limited', `viewer ${viewer.info.id} sends too many '${kind}' messages: the excess is dropped`, viewer.info.id));
    }
    return false;
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

  /** To the approved viewers only: a waiting one learns nothing about this page. */
  private broadcast(message: Uint8Array): void {
    for (const viewer of this.viewers.values()) viewer.channel?.send(message);
  }

  private persist(): void {
    if (!this.leaving) this.save();
  }

  private save(): void {
    if (!this.persisting || this.currentState === 'ended') return;
    const viewers = [...this.viewers.values()].map((v) => ({ address: v.info.id, sas: v.info.sas, name: v.info.name, resume: v.resume, previous: v.previous }));
    saveSharing(this.doc.defaultView, { viewers, expires: Date.now() + this.reconnectTimeout });
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
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.channel.onclose = p.channel.onmessage = null;
      p.channel.close();
    }
    this.pending.clear();
    clearInterval(this.refresh);
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
 * Shares `options.document` (default: this page). With `transport`: one viewer over it. With
 * `signaling`: resolves once the signaling channel is ready, with `session.invitation` to post in
 * the chat. Nothing is captured or sent until a viewer has finished its handshake and been approved
 * (`options.approve`, default `'prompt'`: answer the `approval` event, or let `showConsent` do it).
 */
export async function startSharing(options: SharingOptions = {}): Promise<SharingSession> {
  const session = new SharingSession(options);
  await session.start();
  return session;
}

/**
 * On a page of the site the sharer navigated to (or reloaded): continues the session the previous
 * page of this tab was sharing — the same approved viewers, no new approval — or resolves null when
 * there is none or it expired (`reconnectTimeout` after the last contact). The invitation is new (a
 * new address, a fresh secret): new viewers need it, and the customer's approval. Needs `signaling`.
 */
export async function resumeSharing(options: SharingOptions & { signaling: NonNullable<SharingOptions['signaling']> }): Promise<SharingSession | null> {
  const stored = loadSharing((options.document ?? document).defaultView);
  if (!stored) return null;
  const session = new SharingSession(options, stored.viewers);
  await session.start();
  return session;
}

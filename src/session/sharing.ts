/**
 * The sharer's side of a co-browse session: one capture of the page, fanned out to every viewer
 * through that viewer's own secure channel (its own keys, its own authentication code).
 *
 * A viewer receives nothing until its handshake is done AND the customer approved it (approval.ts,
 * `SharingOptions.approve`): meanwhile it waits in the approval queue (approval-queue.ts), is told
 * it waits (`pending`) and nothing is captured for it. Once approved it is one of the session's
 * viewers (viewers.ts): it gets a snapshot of its own and from then on the live deltas every viewer
 * gets (fan-out.ts). Masking happens inside capture, before any of this: masked data never gets here.
 *
 * An approved viewer whose connection is lost stays a viewer for `reconnectTimeout`: it may come
 * back (it redials; a handshake under the channel's resumption secret proves it is the same viewer)
 * and gets a fresh snapshot, so whatever changed in the gap is shown. When this page navigates, the
 * next page of the site calls `resumeSharing()` and dials the viewers itself (persist.ts).
 *
 * This file is the session itself: its state, its start and end, and which part a new connection
 * goes to. What a viewer may send is bounded (limits.ts): small messages only, and a rate per kind.
 */
import { captureForSession, type Capture } from '../capture/index.js';
import { decodeSecret, randomSecret, type SecureChannel } from '../secure/index.js';
// the sharer's side of the channel, without an inflater: only the sharer compresses (secure/receiver.ts)
import { openChannel } from '../secure/open.js';
import { encodeSecret } from '../secure/secret.js';
import { SecureError } from '../secure/types.js';
import type { SignalingAdapter } from '../signaling/adapter.js';
import type { Transport } from '../transport/transport.js';
import { approveMode } from './approval.js';
import { ApprovalQueue, type Pending } from './approval-queue.js';
import { InkRelay } from './ink.js';
import { remoteControlFor, type RemoteControlPort } from './control-port.js';
import { viewerName, viewerRole } from './identity.js';
import { deferred, Emitter } from './events.js';
import { FanOut } from './fan-out.js';
import { VIEWER_MESSAGE_MAX, VIEWER_TRANSPORT_MAX } from './limits.js';
import { controlMessage } from './messages.js';
import { saveSharing, type StoredSharing } from './persist.js';
import { PeerRouter, useSignaling } from './router.js';
import { DEFAULT_APPROVAL_TIMEOUT, DEFAULT_RECONNECT_TIMEOUT, resumeHandshakeTimeout } from './timing.js';
import type {
  ApprovalRequest,
  EndReason,
  Invitation,
  SessionState,
  SharingEvents,
  SharingOptions,
  ViewerInfo,
  ViewerRole,
  InkStroke,
} from './types.js';
import { ViewerSet, type Viewer } from './viewers.js';
import { Violations } from './violations.js';

export type { SharingEvents } from './types.js';

const TRANSPORT_VIEWER = 'transport';
/**
 * No input for this long and the agent is told the customer is idle (`idleTimeout`): a minute is
 * longer than reading a screen of the page takes, so "idle" means the customer stepped away, not
 * that they are reading.
 */
const IDLE_MS = 60_000;
/** What counts as the customer being there (visibilitychange: coming back to the tab, or leaving it). */
const PRESENCE = ['visibilitychange', 'pointermove', 'pointerdown', 'keydown', 'wheel'];

export class SharingSession extends Emitter<SharingEvents> {
  /** With signaling: what to post in the chat so the agent's viewer can join. */
  invitation: Invitation | null = null;
  #currentState: SessionState = 'connecting';
  readonly #secret: Uint8Array;
  readonly #violations = new Violations();
  readonly #queue: ApprovalQueue;
  /** Approved viewers, in the order they joined. */
  readonly #viewers: ViewerSet;
  readonly #fanOut: FanOut<Viewer>;
  /** Who controls the page (at most one viewer, with the customer's yes), and its input. */
  /** Null without remote control on this page (the sharer core alone): every request is answered `unavailable`. */
  readonly #control: RemoteControlPort | null;
  /** Strokes drawn over the page, both ways. */
  readonly #ink: InkRelay;
  readonly #transports = new Set<Transport>();
  #signaling: { adapter: SignalingAdapter; owned: boolean } | null = null;
  private router: PeerRouter | null = null;
  #refresh: ReturnType<typeof setInterval> | undefined;
  readonly #settled = deferred();
  /** This page is going away (pagehide): it answers no one any more; its next page takes over. */
  #leaving = false;
  readonly #onPageHide = () => {
    if (this.#leaving) return; // once: a second pagehide (the frame removed later) must not write stale state
    this.#leaving = true;
    // control ends with this page (the viewer is told why before it hears `moving`); a next page of
    // the allowed origins gives it back to the same viewer (src/control/remote-control.ts)
    const kept = this.#control?.suspend();
    this.#viewers.broadcast(controlMessage({ t: 'moving' }));
    // the next page does not know the viewers still waiting: they are not left waiting for nothing
    this.#queue.refuseAll();
    // the last contact: the stored state expires reconnectTimeout from now. After this the next
    // page owns the stored state: this one never writes it again
    this.#save(kept);
    clearInterval(this.#refresh);
  };
  /** Resolves when the first viewer is connected (approved); rejects if the session ends first. */
  readonly connected = this.#settled.promise;
  #idle = false;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** The customer did something (or the tab was hidden or shown): the viewers hear of a change at once. */
  readonly #onPresence = (e?: Event) => {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => this.#tellPresence(true), this.options.idleTimeout ?? IDLE_MS);
    if (this.#idle || e?.type === PRESENCE[0]) this.#tellPresence(false);
  };

  constructor(
    private readonly options: SharingOptions,
    /** What the previous page of this tab stored (resumeSharing). */
    private readonly resumed?: StoredSharing,
  ) {
    super();
    const { secret } = options;
    this.#secret = secret === undefined ? randomSecret() : typeof secret === 'string' ? decodeSecret(secret) : secret;
    const emit = this.emit.bind(this);
    const ended = (reason: EndReason) => {
      // over a given transport there is only this one viewer: when it goes, the session is over
      if (this.options.transport) this.#end(reason);
    };
    this.#queue = new ApprovalQueue(approveMode(options.approve), options.approvalTimeout ?? DEFAULT_APPROVAL_TIMEOUT, this.#violations, {
      emit,
      granted: (p) => this.#grant(p),
      ended,
    });
    this.#fanOut = new FanOut(
      () => this.#viewers.values(),
      (onFrame, onSlice) => this.#startCapture(onFrame, onSlice),
    );
    this.#viewers = new ViewerSet(
      { reconnectTimeout: this.#reconnectTimeout, reconnects: !options.transport, fanOut: this.#fanOut, violations: this.#violations },
      {
        emit,
        changed: (store) => {
          if (store) this.#persist();
          this.#updateState();
          // a viewer joined or came back (this page is new to it): it hears where the customer is
          this.#tellPresence(this.#idle);
        },
        left: (reason) => {
          this.#persist();
          if (this.options.transport) return this.#end(reason);
          this.#updateState();
        },
        dial: (address) => {
          if (!this.#leaving) this.router?.dial(address);
        },
        control: (viewer, op) => this.#controlRequest(viewer.info.id, op),
        act: (viewer, action) => this.#control?.act(viewer.info.id, action),
        ink: (viewer, stroke) => (stroke ? this.#ink.fromViewer(viewer.info.id, stroke) : this.#ink.clearFromViewer(viewer.info.id)),
      },
    );
    this.#ink = new InkRelay({ send: (message, except) => this.#viewers.broadcast(message, except) }, emit);
    this.#control = remoteControlFor(options, {
      emit,
      info: (id) => {
        const viewer = this.#viewers.get(id);
        return viewer ? { ...viewer.info } : null;
      },
      send: (id, message) => this.#viewers.get(id)?.channel?.send(message),
      capture: () => this.#fanOut.capture,
      doc: () => this.#doc,
    });
    // a viewer whose link is lost loses control (and its request): asked again when it is back
    this.on('viewerreconnecting', (info) => this.#control?.left(info));
    this.on('viewerleft', (info) => this.#control?.left(info));
    // ...except the one that held it on the previous page: given back when it is back
    if (resumed?.control) this.#control?.restore(resumed.control, resumed.expires);
    this.on('viewerresumed', (info) => this.#control?.resumed(info));
  }

  get state(): SessionState {
    return this.#currentState;
  }

  /** The approved viewers now (connected or reconnecting), in the order they joined. */
  get viewerList(): ViewerInfo[] {
    return [...this.#viewers.values()].map((v) => ({ ...v.info }));
  }

  /** The viewers waiting for approval (as the `approval` event describes them). */
  get pendingList(): ApprovalRequest[] {
    return this.#queue.list();
  }

  /** The code of the first approved viewer (the agent), or null before one was approved. */
  get sas(): string | null {
    return this.#viewers.first()?.info.sas ?? null;
  }

  get #doc(): Document {
    return this.options.document ?? document;
  }

  get #persisting(): boolean {
    return !!this.#signaling && this.options.persist !== false;
  }

  get #reconnectTimeout(): number {
    return this.options.reconnectTimeout ?? DEFAULT_RECONNECT_TIMEOUT;
  }

  /**
   * Lets a waiting viewer see the page. With `code` (required in `'code'` mode) the code must be the
   * viewer's: a wrong one returns false, and the third wrong one denies the viewer. Returns true
   * when the viewer is approved, false when it is not (or is no longer) waiting.
   */
  approve(id: string, code?: string): boolean {
    return this.#queue.approve(id, code);
  }

  /** Refuses a waiting viewer: it is told `denied`, gets nothing, and may not ask again in this session. */
  deny(id: string): void {
    this.#queue.deny(id);
  }

  /** The viewer controlling the page now, or null. */
  get controller(): ViewerInfo | null {
    const id = this.#control?.holder;
    const viewer = id ? this.#viewers.get(id) : undefined;
    return viewer ? { ...viewer.info } : null;
  }

  /** The customer lets the viewer that asks (`controlrequest`) control the page. False when it no longer asks. */
  grantControl(id: string): boolean {
    return this.#control?.grant(id) ?? false;
  }

  /** The customer refuses a control request. */
  denyControl(id: string): void {
    this.#control?.deny(id);
  }

  /** The customer takes control back (the banner's button, Escape): the viewer is told at once. */
  revokeControl(): void {
    this.#control?.revoke('revoked');
  }

  /** The customer lets the controlling viewer submit the form it asked to (`controlconfirm`). */
  confirmSubmit(): void {
    this.#control?.confirmSubmit();
  }

  /** The customer refuses that submit: the viewer is told. */
  declineSubmit(): void {
    this.#control?.declineSubmit();
  }

  /** The customer drew a piece of a stroke over the page (page coordinates): every viewer sees it. */
  ink(stroke: InkStroke): void {
    this.#ink.fromCustomer(stroke);
  }

  /** The customer cleared their strokes. */
  clearInk(): void {
    this.#ink.clearFromCustomer();
  }

  /** The colour a viewer's strokes are drawn in (the customer's page gives it). */
  inkColor(viewer: string): string {
    return this.#ink.colorOf(viewer);
  }

  /** Ends the session for every viewer (each is told why), stops capturing, closes everything. */
  stop(reason: EndReason = 'stopped'): void {
    if (this.#currentState === 'ended') return;
    this.#control?.revoke('ended'); // told before the viewers' bye
    this.#viewers.close(reason);
    this.#queue.close(reason);
    for (const transport of this.#transports) transport.close();
    this.#end(reason);
  }

  /** @internal started by startSharing */
  async start(): Promise<void> {
    const { transport, signaling } = this.options;
    this.#control?.watch(this.#doc);
    for (const type of PRESENCE) this.#doc.addEventListener(type, this.#onPresence, true);
    this.#onPresence();
    if (transport) {
      this.#connect(TRANSPORT_VIEWER, transport);
      return;
    }
    if (!signaling) throw new TypeError('startSharing needs a transport or signaling');
    this.#signaling = useSignaling(signaling);
    const { adapter } = this.#signaling;
    adapter.onerror = (error) => this.emit('error', error);
    this.router = new PeerRouter(adapter, {
      rtc: this.options.rtc,
      createTransport: this.options.createTransport,
      maxReceiveSize: VIEWER_TRANSPORT_MAX,
      admit: (from) => this.#admits(from),
      onPeer: (from, peer) => {
        this.#violations.watch(peer);
        this.#connect(from, peer);
      },
    });
    try {
      await adapter.ready;
    } catch (error) {
      this.#end('signaling');
      throw error;
    }
    this.invitation = { peer: adapter.id, secret: encodeSecret(this.#secret) };
    this.#doc.defaultView?.addEventListener('pagehide', this.#onPageHide);
    const from = this.resumed?.viewers ?? [];
    this.#viewers.restore(from, (address) => this.#roleOf(address));
    if (from.length) this.#updateState();
    this.#persist();
    // the stored state expires reconnectTimeout after the last contact: refreshed while this page lives
    if (this.#persisting) this.#refresh = setInterval(() => this.#persist(), Math.max(1000, this.#reconnectTimeout / 3));
  }

  /** Whether to answer a new connection from `from`. */
  #admits(from: string): boolean {
    if (this.#currentState === 'ended' || this.#leaving || this.#queue.isRefused(from)) return false;
    if (this.#viewers.get(from) || this.#queue.has(from)) return true;
    return this.#viewers.size + this.#queue.size < (this.options.maxViewers ?? 8);
  }

  /** Runs the handshake on a new transport from `address`; a known viewer must prove its resumption secret. */
  #connect(address: string, transport: Transport): void {
    this.#transports.add(transport);
    const known = this.#viewers.get(address);
    const secret = known ? this.#viewers.beginResume(known) : this.#secret;
    // started now, synchronously, so no early message from the viewer is missed
    openChannel(
      transport,
      {
        role: 'sharer',
        secret,
        handshakeTimeout: known ? resumeHandshakeTimeout(this.options.handshakeTimeout) : this.options.handshakeTimeout,
        maxMessageSize: VIEWER_MESSAGE_MAX,
      },
      null,
    ).then(
      (channel) => {
        if (!known) return this.#handshaken(address, channel, transport);
        if (this.#currentState === 'ended') return channel.close();
        this.#viewers.resumed(known, channel, transport, secret);
      },
      (error: unknown) => {
        if (known) this.#viewers.resumeFailed(known, error);
        this.#transports.delete(transport);
        transport.close();
        this.emit('error', error instanceof Error ? error : new SecureError('handshake', String(error)));
        // over a given transport there is only this one viewer: its failure ends the session
        if (this.options.transport) this.#end(error instanceof SecureError ? error.code : 'handshake');
      },
    );
  }

  /** A new viewer finished its handshake: it waits for the customer, and is told so. */
  #handshaken(address: string, channel: SecureChannel, transport: Transport): void {
    if (this.#currentState === 'ended' || this.#leaving || this.#viewers.get(address)) return channel.close();
    this.#queue.add({ id: address, sas: channel.sas, name: this.#nameOf(address), role: this.#roleOf(address) }, channel, transport);
  }

  /** Approved: it becomes a viewer and gets its snapshot. */
  #grant(p: Pending): void {
    this.#viewers.join(p.request, p.channel, p.transport, p.ping);
  }

  /** A viewer asks for control or gives it back; without remote control on this page it is told `unavailable`. */
  #controlRequest(id: string, op: 'request' | 'release'): void {
    if (this.#control) return op === 'request' ? this.#control.request(id) : this.#control.release(id);
    if (op === 'request')
      this.#viewers.get(id)?.channel?.send(controlMessage({ t: 'control-state', state: 'ended', reason: 'unavailable' }));
  }

  #nameOf(address: string): string | null {
    return viewerName(this.options, address, (error) => this.emit('error', error));
  }

  #roleOf(address: string): ViewerRole {
    return viewerRole(this.options, address, (error) => this.emit('error', error));
  }

  #startCapture(onFrame: (frame: Uint8Array) => void, onSlice: (written: number, total: number) => void): Capture {
    const { mask, batch } = this.options;
    const options = {
      onFrame,
      mask,
      batch,
      onError: (error: unknown) => this.emit('error', error instanceof Error ? error : new Error(String(error))),
    };
    return captureForSession(this.#doc, options, onSlice);
  }

  /** Tells every viewer whether the customer's tab is hidden and whether they are idle. */
  #tellPresence(idle: boolean): void {
    this.#idle = idle;
    this.#viewers.broadcast(controlMessage({ t: 'customer', hidden: this.#doc.hidden, idle }));
  }

  #persist(): void {
    if (!this.#leaving) this.#save();
  }

  #save(control?: string | null): void {
    if (!this.#persisting || this.#currentState === 'ended') return;
    saveSharing(this.#doc.defaultView, { viewers: this.#viewers.stored(), expires: Date.now() + this.#reconnectTimeout, control });
  }

  /** connected: a viewer has a channel; reconnecting: viewers, none connected now; connecting: none yet. */
  #updateState(): void {
    if (this.#currentState === 'ended') return;
    const all = [...this.#viewers.values()];
    const state: SessionState = all.some((v) => v.channel) ? 'connected' : all.length ? 'reconnecting' : 'connecting';
    if (state === this.#currentState) return;
    this.#currentState = state;
    this.emit('state', { state });
    if (state === 'connected') this.#settled.resolve();
  }

  #end(reason: EndReason): void {
    if (this.#currentState === 'ended') return;
    this.#control?.revoke('ended');
    this.#control?.unwatch(this.#doc);
    for (const type of PRESENCE) this.#doc.removeEventListener(type, this.#onPresence, true);
    clearTimeout(this.#idleTimer);
    this.#viewers.stopAllWaiting();
    this.#queue.close();
    clearInterval(this.#refresh);
    this.#fanOut.stop();
    this.#doc.defaultView?.removeEventListener('pagehide', this.#onPageHide);
    if (this.#persisting) saveSharing(this.#doc.defaultView, null);
    this.router?.detach();
    if (this.#signaling?.owned) this.#signaling.adapter.close();
    this.#settled.reject(new Error(`the session ended: ${reason}`));
    this.#currentState = 'ended';
    this.emit('state', { state: 'ended', reason });
  }
}

/**
 * The viewer's (agent's) side: one secure channel to the sharer, frames applied to a Mirror.
 *
 * A frame the mirror rejects changes nothing there (the mirror applies whole frames or nothing); the
 * viewer then asks the sharer for a snapshot once and ignores deltas until it arrives, so a bad
 * frame costs a resync, never a wrong picture.
 *
 * A lost connection (with signaling) is restored without anyone's action: the viewer is
 * `reconnecting`, redials the sharer every few seconds, and also answers the sharer's next page when
 * it dials in after a navigation. A resumed channel must prove the resumption
 * secret of the channel before it, so it is the same sharer: the code the agent compared stays
 * valid. A resumption is accepted only while the viewer is `reconnecting` (its link was lost, or the
 * sharer said `moving`): someone who stole a resumption secret cannot take over a view that is
 * connected. Each resumption replaces the secret with the new channel's; the agent is told (`resumed`).
 *
 * Before the customer approved this viewer the sharer sends only `pending`: the viewer shows its
 * code and waits (`pending` event); a refusal ends the session with `denied` or `approval-timeout`.
 */
import { Mirror } from '../mirror/index.js';
import { isSnapshotFrame } from '../protocol/header.js';
import { decodeSecret, openSecureChannel, type SecureChannel } from '../secure/index.js';
import type { SignalingAdapter } from '../signaling/adapter.js';
import type { Transport } from '../transport/transport.js';
import { deferred, Emitter } from './events.js';
import { controlMessage, MessageKind, parseFromSharer, type Control } from './messages.js';
import { refusalText, type ControlAction } from '../control/actions.js';
import { watchLink } from './link-check.js';
import { PeerRouter, useSignaling } from './router.js';
import { firstFailure, linkOpened } from './first-connection.js';
import { DEFAULT_RECONNECT_TIMEOUT, REDIAL_MS, resumeHandshakeTimeout } from './timing.js';
import type { CustomerPresence, EndReason, InkStroke, SessionState, ViewerControl, ViewingEvents, ViewingOptions } from './types.js';

export type { ViewingEvents } from './types.js';

export class ViewingSession extends Emitter<ViewingEvents> {
  readonly mirror: Mirror;
  sas: string | null = null;
  #waitingForApproval = false;
  #resumptions = 0;
  #currentState: SessionState = 'connecting';
  #channel: SecureChannel | null = null;
  #signaling: { adapter: SignalingAdapter; owned: boolean } | null = null;
  private router: PeerRouter | null = null;
  /** Transports of handshakes under way and of the current channel (closed when the session ends). */
  readonly #transports = new Set<Transport>();
  /** The current channel's transport: let go when the channel is (each page change brings a new one). */
  #link: Transport | null = null;
  #secret: Uint8Array = new Uint8Array(0);
  /**
   * What a resumed channel must prove: the resumption secret of the last channel, once the sharer
   * approved this viewer (its first snapshot). Before that there is nothing to resume.
   */
  #resume: Uint8Array | null = null;
  /** The first channel's resumption secret, until the approval makes it `resume`. */
  #unapproved: Uint8Array | null = null;
  #sharerAddress: string | null = null;
  #controlState: ViewerControl = 'none';
  #customer: CustomerPresence = { hidden: false, idle: false };
  #redial: ReturnType<typeof setInterval> | undefined;
  /** Handshakes under way: a redial waits for them (two racing connections could each win on one side). */
  #attempting = 0;
  #giveUp: ReturnType<typeof setTimeout> | undefined;
  #resyncRequested = false;
  #pings = new Map<number, number>();
  #nextPing = 1;
  /** Messages and records of large messages received (the link check's proof). */
  #arrivals = 0;
  #unwatchLink: () => void = () => {};
  readonly #settled = deferred();
  /** Resolves when the first snapshot has been applied; rejects if the session ends first. */
  readonly connected = this.#settled.promise;

  constructor(private readonly options: ViewingOptions) {
    super();
    this.mirror = new Mirror(options.container, {
      ...options.mirror,
      onError: (error) => this.emit('error', error instanceof Error ? error : new Error(String(error))),
      onApply: (_seq, snapshot) => this.#applied(snapshot),
      onReject: (error) => this.#rejected(error),
    });
  }

  get state(): SessionState {
    return this.#currentState;
  }

  /** True while the customer is asked to approve this viewer (after `pending`, before the page). */
  get awaitingApproval(): boolean {
    return this.#waitingForApproval;
  }

  /** Sends the agent's pointer to the sharer (drawn over the customer's page, never a click there). */
  pointer(x: number, y: number): void {
    this.#control({ t: 'pointer', x, y });
  }

  click(x: number, y: number): void {
    this.#control({ t: 'click', x, y });
  }

  /**
   * One input of the agent while it controls the page (`control === 'granted'`): a pointer move, a
   * click, a key, a scroll, an option picked. The customer's page decides; what it refuses comes back
   * as a `refused` event with the reason. Ignored when this viewer does not control the page.
   */
  act(action: ControlAction): void {
    if (this.#controlState === 'granted') this.#control({ t: 'act', action });
  }

  /** A piece of a stroke the agent draws over the page (page coordinates of the customer's document). */
  ink(stroke: InkStroke): void {
    this.#control({ t: 'ink', s: stroke.id, p: stroke.points, ...(stroke.end && { end: true }) });
  }

  /** Clears this agent's strokes on the customer's page and the other viewers'. */
  clearInk(): void {
    this.#control({ t: 'ink-clear' });
  }

  /** The agent's pointer left the view: the customer's page stops showing its cursor. */
  pointerOut(): void {
    this.#control({ t: 'pointer-out' });
  }

  /** Whether the customer's tab is hidden and whether they are idle, as the sharer last said (`customer` events). */
  get customer(): CustomerPresence {
    return { ...this.#customer };
  }

  /** Where this viewer's control of the page stands: `none`, `asking` (the customer is asked), `granted`. */
  get control(): ViewerControl {
    return this.#controlState;
  }

  /**
   * Asks the customer to let this viewer control the page. The answer arrives as `control` events:
   * `asking`, then `granted`, or `none` with why (denied, expired, busy, not-allowed, observer, ...).
   */
  requestControl(): void {
    this.#control({ t: 'control', op: 'request' });
  }

  /** Gives control of the page back to the customer (or withdraws the request). */
  releaseControl(): void {
    this.#control({ t: 'control', op: 'release' });
  }

  /**
   * Asks the sharer for a fresh snapshot (the view looks wrong, or the agent wants it redrawn); the
   * mirror keeps the current picture until it arrives. The sharer allows a few per minute.
   */
  resync(): void {
    if (this.#resyncRequested || !this.#resume) return; // one at a time; nothing to redraw before the approval
    this.#resyncRequested = true;
    this.#control({ t: 'resync' });
  }

  /** Measures the round trip to the sharer; the result arrives as a `latency` event. */
  ping(): void {
    const id = this.#nextPing++;
    this.#pings.set(id, performance.now());
    this.#control({ t: 'ping', id });
  }

  /** Ends the session (the sharer is told) and removes the mirror. */
  stop(reason: EndReason = 'stopped'): void {
    if (this.#currentState === 'ended') return;
    this.#control({ t: 'bye', reason });
    this.#end(reason);
  }

  /** @internal started by startViewing */
  async start(): Promise<void> {
    const { transport, signaling, invitation } = this.options;
    const secretText = this.options.secret ?? invitation?.secret;
    if (secretText === undefined) throw new TypeError('startViewing needs the invitation secret');
    this.#secret = typeof secretText === 'string' ? decodeSecret(secretText) : secretText;
    if (transport) return this.#connect(null, transport);
    if (!signaling || !invitation) throw new TypeError('startViewing needs a transport, or signaling and an invitation');
    const { adapter } = (this.#signaling = useSignaling(signaling));
    adapter.onerror = (error) => this.emit('error', error);
    this.router = new PeerRouter(adapter, {
      rtc: this.options.rtc,
      createTransport: this.options.createTransport,
      // a resumption only while this viewer waits for one: a connected view is never taken over, and
      // only a party that knows the resumption secret can finish a handshake it offers
      admit: () => this.#resume !== null && this.#currentState === 'reconnecting',
      onPeer: (from, peer) => this.#connect(from, peer),
    });
    try {
      await adapter.ready;
    } catch (error) {
      this.#end('signaling');
      throw error;
    }
    this.#sharerAddress = invitation.peer;
    this.router.dial(invitation.peer);
  }

  #connect(address: string | null, transport: Transport): void {
    this.#transports.add(transport);
    const resuming = this.#resume !== null;
    const reached = linkOpened(transport);
    this.#attempting++;
    openSecureChannel(transport, {
      role: 'viewer',
      secret: this.#resume ?? this.#secret,
      handshakeTimeout: resuming ? resumeHandshakeTimeout(this.options.handshakeTimeout) : this.options.handshakeTimeout,
    }).then(
      (channel) => {
        this.#attempting--;
        this.#adopt(address, channel, transport, resuming);
      },
      (error: unknown) => {
        this.#attempting--;
        this.#transports.delete(transport);
        transport.close();
        // a failed attempt to resume is one of several: the redial or the timeout decides
        if (resuming && this.#currentState !== 'ended') return;
        this.emit('error', error instanceof Error ? error : new Error(String(error)));
        this.#end(firstFailure(error, reached()));
      },
    );
  }

  #adopt(address: string | null, channel: SecureChannel, transport: Transport, resumed: boolean): void {
    if (this.#currentState === 'ended') return channel.close();
    this.#dropChannel();
    this.#channel = channel;
    this.#link = transport;
    if (address) this.#sharerAddress = address;
    clearInterval(this.#redial);
    clearTimeout(this.#giveUp);
    this.#redial = this.#giveUp = undefined;
    this.#resyncRequested = false;
    channel.onmessage = (message) => {
      this.#arrivals++;
      this.#receive(message);
    };
    // back from a network outage, the link must prove it carries data, or it is dropped and redialed
    // (link-check.ts); dropping the transport is a cut link for the channel, so the redial follows
    this.#unwatchLink();
    this.#unwatchLink = watchLink(transport, {
      ping: () => this.ping(),
      arrivals: () => this.#arrivals,
      stalled: () => {
        if (this.#channel === channel) transport.close();
      },
    });
    channel.onprogress = (received, total) => {
      this.#arrivals++; // a large message on its way proves the link as well as a whole one
      this.emit('progress', { received, total });
    };
    channel.onclose = (error) => {
      if (this.#channel !== channel) return;
      this.#channel = null;
      this.#releaseLink();
      if (!error || !this.router) return this.#end(error ? error.code : 'remote-stopped');
      this.#reconnect();
    };
    if (resumed) {
      // the new channel's secret replaces the one just proved; the code compared once stays shown
      this.#resume = channel.resumeSecret;
      this.emit('resumed', { count: ++this.#resumptions });
      this.ping(); // speaking on the new channel tells the sharer it was adopted (it drops the old secret)
      return;
    }
    this.#unapproved = channel.resumeSecret;
    this.#waitingForApproval = false;
    this.sas = channel.sas;
    this.emit('sas', channel.sas);
    if (this.options.role === 'observer') this.#control({ t: 'observer' });
  }

  /**
   * The connection is gone: dial the sharer again until it answers, or it dials us. After `moving`
   * (the sharer's page is going away) there is no one to dial: its next page dials us.
   */
  #reconnect(dialSharer = true): void {
    if (this.#currentState === 'ended' || this.#giveUp !== undefined) return;
    this.#setState('reconnecting');
    this.#giveUp = setTimeout(() => this.#end('unreachable'), this.options.reconnectTimeout ?? DEFAULT_RECONNECT_TIMEOUT);
    if (!dialSharer) return;
    const dial = () => {
      if (this.#sharerAddress && this.router && !this.#attempting) this.router.dial(this.#sharerAddress);
    };
    dial(); // at once: the sharer answers a new connection even before it noticed the old one died
    this.#redial = setInterval(dial, REDIAL_MS);
  }

  #receive(message: Uint8Array): void {
    if (message[0] === MessageKind.Frame) return this.#applyFrame(message.subarray(1));
    if (message[0] !== MessageKind.Control) return;
    const control = parseFromSharer(message.subarray(1));
    switch (control?.t) {
      case 'bye':
        return this.#end(control.reason === 'denied' || control.reason === 'approval-timeout' ? control.reason : 'remote-stopped');
      case 'pending':
        if (this.#resume || !this.sas) return; // approved already: a late or stray message
        this.#waitingForApproval = true;
        return this.emit('pending', { sas: this.sas });
      case 'moving': {
        // the sharer's page is going away: its next page will dial us (redialing its old address is moot)
        this.#dropChannel();
        if (!this.router) return this.#end('remote-stopped');
        return this.#reconnect(false);
      }
      case 'ping':
        return this.#control({ t: 'pong', id: control.id });
      case 'ink':
        if (!control.by || !control.c) return;
        return this.emit('ink', { by: control.by, color: control.c, id: control.s, points: control.p, ...(control.end && { end: true }) });
      case 'ink-clear':
        return control.by ? this.emit('inkclear', { by: control.by }) : undefined;
      case 'refused':
        return this.emit('refused', { action: control.a, reason: control.reason, text: refusalText(control.reason) });
      case 'control-state':
        // always reported: a request refused at once goes from none to none, with why
        if (control.state !== 'ended') return this.#setControl(control.state, undefined, true);
        return this.#setControl('none', control.reason ?? 'ended', true);
      case 'customer':
        return this.#presence(control);
      case 'writing':
        // the customer's page is still writing a large snapshot: progress before any byte of it
        return this.emit('progress', { received: Math.min(control.n, control.of), total: control.of });
      case 'pong': {
        const sent = this.#pings.get(control.id);
        this.#pings.delete(control.id);
        if (sent !== undefined) this.emit('latency', performance.now() - sent);
      }
    }
  }

  /** The sharer says the customer's tab was hidden or shown, or they went idle or came back: told when it changes. */
  #presence({ hidden, idle }: CustomerPresence): void {
    if (hidden === this.#customer.hidden && idle === this.#customer.idle) return;
    this.#customer = { hidden, idle };
    this.emit('customer', { hidden, idle });
  }

  /** The sharer says where our control stands (or the link it stood on is gone: the sharer ended it). */
  #setControl(state: ViewerControl, reason?: string, always = false): void {
    if (state === this.#controlState && !always) return;
    this.#controlState = state;
    this.emit('control', { state, ...(reason !== undefined && { reason }) });
  }

  /**
   * A frame for the mirror. A large snapshot is built over several tasks (Mirror.apply): the frames
   * after it are passed on meanwhile (the mirror applies them after it), and its outcome comes back
   * through `onApply` / `onReject` like every frame's.
   */
  #applyFrame(frame: Uint8Array): void {
    const snapshot = isSnapshotFrame(frame);
    if (this.#resyncRequested && !snapshot) return; // deltas before the asked-for snapshot are moot
    try {
      this.mirror.apply(frame);
    } catch (error) {
      return this.#rejected(error);
    }
    if (snapshot) this.#resyncRequested = false; // taken (perhaps still being built): its deltas follow
  }

  /** The mirror rejected a frame (it changed nothing): one snapshot is asked for, later deltas wait for it. */
  #rejected(error: unknown): void {
    if (this.#resyncRequested) return;
    this.#resyncRequested = true;
    this.emit('error', error instanceof Error ? error : new Error(String(error)));
    this.#control({ t: 'resync' });
  }

  /** A frame is in place in the mirror. */
  #applied(snapshot: boolean): void {
    if (snapshot) {
      this.#resyncRequested = false;
      // the first snapshot means the customer approved this viewer: from now on it may resume
      if (!this.#resume && this.#unapproved) {
        this.#resume = this.#unapproved;
        this.#unapproved = null;
      }
      this.#waitingForApproval = false;
    }
    this.emit('frame', { seq: this.mirror.seq, snapshot });
    if (snapshot && this.#currentState !== 'connected') this.#setState('connected');
  }

  /** Detaches and closes the current channel (a new one replaces it, or the sharer moves). */
  #dropChannel(): void {
    const old = this.#channel;
    this.#channel = null;
    this.#releaseLink();
    this.#setControl('none', 'left'); // the sharer ends control with the link it was granted on
    if (old) {
      old.onclose = old.onmessage = old.onprogress = null;
      old.close();
    }
  }

  /**
   * Forgets the transport of a channel that is gone: kept in `#transports`, every page change of a
   * session would keep its RTCPeerConnection and data channel (and their listeners) alive for good.
   */
  #releaseLink(): void {
    if (this.#link) this.#transports.delete(this.#link);
    this.#link = null;
  }

  #control(message: Control): void {
    // the sharer refuses a viewer's message over a few KiB: a site's long reason must not end it so
    if (message.t === 'bye') message = { t: 'bye', reason: message.reason.slice(0, 200) };
    if (this.#channel && this.#currentState !== 'ended') this.#channel.send(controlMessage(message));
  }

  #setState(state: SessionState): void {
    if (this.#currentState === state || this.#currentState === 'ended') return;
    this.#currentState = state;
    this.emit('state', { state });
    if (state === 'connected') this.#settled.resolve();
  }

  #end(reason: EndReason): void {
    if (this.#currentState === 'ended') return;
    this.#currentState = 'ended';
    this.#setControl('none', 'ended');
    clearInterval(this.#redial);
    clearTimeout(this.#giveUp);
    this.#unwatchLink();
    this.#channel?.close();
    for (const transport of this.#transports) transport.close();
    this.router?.detach();
    if (this.#signaling?.owned) this.#signaling.adapter.close();
    this.mirror.destroy();
    this.#settled.reject(new Error(`the session ended: ${reason}`));
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

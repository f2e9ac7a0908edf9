/**
 * The approved viewers of a sharing session, in the order they joined: each one's channel, the
 * resumption secret it must prove to come back, what it may send, and its place while its link is
 * lost.
 *
 * A viewer whose connection is lost keeps its place for `reconnectTimeout` (only with signaling: a
 * given transport cannot come back). Exactly one side dials, so two connections never race each
 * other: when the link was lost, the viewer (it knows this page's address); after a navigation, this
 * new page — at once, and again every REDIAL_MS while no attempt is under way (one attempt can meet
 * a viewer still busy with the old page). A viewer that comes back proves the resumption secret of
 * its last channel, and the new channel's secret replaces it.
 */
import { SecureError } from '../secure/types.js';
import type { SecureChannel } from '../secure/index.js';
import type { Transport } from '../transport/transport.js';
import type { Emit } from './events.js';
import type { FanOut, Recipient } from './fan-out.js';
import { SessionError, viewerBuckets, type LimitedKind, type TokenBucket } from './limits.js';
import { controlMessage, MessageKind, parseFromViewer, sendBye } from './messages.js';
import type { StoredViewer } from './persist.js';
import { REDIAL_MS } from './timing.js';
import type { EndReason, InkStroke, SharingEvents, ViewerInfo, ViewerRequest, ViewerRole } from './types.js';
import type { Violations } from './violations.js';

export interface Viewer extends Recipient {
  info: ViewerInfo;
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

export interface ViewerHooks {
  /** Reports joins, losses, returns, departures, annotations and errors (the session's events). */
  emit: Emit<SharingEvents>;
  /** The viewers changed: the session state follows, and with `store` the stored state too. */
  changed(store: boolean): void;
  /** A viewer left for good (a session over one given transport ends with it). */
  left(reason: EndReason): void;
  /** Dials a viewer this page is waiting for (the session does nothing once it is leaving). */
  dial(address: string): void;
  /** The viewer asks for control of the page, or gives it back (src/control/lease.ts decides). */
  control(viewer: Viewer, op: 'request' | 'release'): void;
  /** The viewer's input while it controls the page, as it arrived (remote control checks it, and that the viewer controls the page). */
  act(viewer: Viewer, action: unknown): void;
  /** The viewer drew, or cleared its strokes (ink.ts shows and relays them). */
  ink(viewer: Viewer, stroke: InkStroke | null): void;
}

export interface ViewerSetOptions {
  /** Milliseconds a lost viewer keeps its place. */
  reconnectTimeout: number;
  /** With signaling a lost viewer may come back; over a given transport a lost link is the end. */
  reconnects: boolean;
  fanOut: FanOut<Viewer>;
  violations: Violations;
}

export class ViewerSet {
  readonly #viewers = new Map<string, Viewer>();

  constructor(
    private readonly options: ViewerSetOptions,
    private readonly hooks: ViewerHooks,
  ) {}

  get size(): number {
    return this.#viewers.size;
  }

  get(id: string): Viewer | undefined {
    return this.#viewers.get(id);
  }

  /** In the order they joined. */
  values(): Iterable<Viewer> {
    return this.#viewers.values();
  }

  /** The first approved viewer (the agent), if any. */
  first(): Viewer | undefined {
    for (const viewer of this.#viewers.values()) return viewer;
    return undefined;
  }

  /** What a later page needs to resume them (persist.ts). */
  stored(): StoredViewer[] {
    return [...this.#viewers.values()].map((v) => ({
      address: v.info.id,
      sas: v.info.sas,
      name: v.info.name,
      resume: v.resume,
      previous: v.previous,
    }));
  }

  /** The previous page's viewers (their roles as this page's chat says now): this page has a new address, so it dials them (and again, until they answer). */
  restore(stored: StoredViewer[], roleOf: (address: string) => ViewerRole): void {
    for (const s of stored) {
      const viewer = newViewer({ id: s.address, sas: s.sas, name: s.name, role: roleOf(s.address) }, null, s.resume);
      viewer.previous = s.previous;
      this.#viewers.set(s.address, viewer);
      this.#waitFor(viewer, true);
    }
  }

  /** The customer approved it: it becomes a viewer and gets its snapshot. */
  join(request: ViewerRequest, channel: SecureChannel, transport: Transport, ping: TokenBucket): void {
    const { id, sas, name, role } = request;
    const viewer = newViewer({ id, sas, name, role }, channel, channel.resumeSecret);
    viewer.buckets.ping = ping;
    this.#viewers.set(id, viewer);
    this.hooks.emit('approvalended', { id, approved: true });
    this.#attach(viewer, channel, transport);
    this.options.fanOut.sendSnapshot(viewer);
    this.hooks.emit('viewerjoined', { ...viewer.info });
    this.hooks.changed(true);
  }

  /** A resumption handshake with `viewer` starts: the secret it must prove. */
  beginResume(viewer: Viewer): Uint8Array {
    viewer.attempting = true;
    return viewer.tryPrevious && viewer.previous ? viewer.previous : viewer.resume;
  }

  /** The resumption failed; the viewer may still hold the secret before the last one: the next attempt tries it. */
  resumeFailed(viewer: Viewer, error: unknown): void {
    viewer.attempting = false;
    if (error instanceof SecureError && error.code === 'wrong-secret' && viewer.previous) viewer.tryPrevious = !viewer.tryPrevious;
  }

  /** A known viewer is back on a new channel: the new channel's resumption secret replaces the one it proved. */
  resumed(viewer: Viewer, channel: SecureChannel, transport: Transport, proved: Uint8Array): void {
    viewer.attempting = false;
    if (this.#viewers.get(viewer.info.id) !== viewer) return channel.close();
    this.#stopWaiting(viewer);
    this.#retire(viewer);
    viewer.channel = channel;
    viewer.previous = proved;
    viewer.resume = channel.resumeSecret;
    viewer.tryPrevious = false;
    this.#attach(viewer, channel, transport);
    this.options.fanOut.sendSnapshot(viewer);
    this.hooks.emit('viewerresumed', { ...viewer.info });
    this.hooks.changed(true);
  }

  /** To the approved viewers only (but `except`): a waiting one learns nothing about this page. */
  broadcast(message: Uint8Array, except: string | null = null): void {
    for (const viewer of this.#viewers.values()) if (viewer.info.id !== except) viewer.channel?.send(message);
  }

  /** The session ends: no viewer is waited for any more. */
  stopAllWaiting(): void {
    for (const viewer of this.#viewers.values()) this.#stopWaiting(viewer);
  }

  /** Ends every viewer's channel, after a `bye` with `reason`, and forgets them. */
  close(reason: EndReason): void {
    // forget the viewers first: their channels' close callbacks then find nothing to drop
    const all = [...this.#viewers.values()];
    this.#viewers.clear();
    for (const viewer of all) this.#stopWaiting(viewer);
    for (const { channel } of all) {
      if (!channel) continue;
      channel.onclose = channel.onmessage = null;
      sendBye(channel, reason);
      channel.close();
    }
  }

  #attach(v: Viewer, channel: SecureChannel, transport: Transport): void {
    channel.onmessage = (message) => this.#receive(v, message);
    channel.onclose = (error) => {
      if (v.channel !== channel) return;
      const violation = this.options.violations.of(transport, error);
      if (violation) {
        this.hooks.emit('error', violation);
        return this.#drop(v, violation.code);
      }
      // a close without an error is the viewer's own close() (its bye may have gone with its queue)
      if (!error || !this.options.reconnects) return this.#drop(v, error ? error.code : 'remote-stopped');
      this.#lose(v);
    };
  }

  /** Detaches and closes a viewer's current channel (a newer one replaces it, or it is gone). */
  #retire(viewer: Viewer): void {
    const old = viewer.channel;
    viewer.channel = null;
    this.options.fanOut.forget(viewer);
    if (old) {
      old.onclose = old.onmessage = null;
      old.close();
    }
  }

  /** The viewer's connection is gone: keep its place for `reconnectTimeout`. */
  #lose(viewer: Viewer): void {
    this.#retire(viewer);
    this.#waitFor(viewer);
    this.hooks.emit('viewerreconnecting', { ...viewer.info });
    this.hooks.changed(false);
  }

  /** Keeps a lost viewer's place; with `dial` (after a navigation) this page dials it until it answers. */
  #waitFor(viewer: Viewer, dial = false): void {
    this.#stopWaiting(viewer);
    viewer.grace = setTimeout(() => this.#drop(viewer, 'unreachable'), this.options.reconnectTimeout);
    if (!dial) return;
    const attempt = () => {
      if (viewer.channel || viewer.attempting || this.#viewers.get(viewer.info.id) !== viewer) return;
      this.hooks.dial(viewer.info.id);
    };
    attempt();
    viewer.redial = setInterval(attempt, REDIAL_MS);
  }

  #stopWaiting(viewer: Viewer): void {
    clearTimeout(viewer.grace);
    clearInterval(viewer.redial);
    viewer.grace = viewer.redial = undefined;
  }

  #drop(viewer: Viewer, reason: EndReason): void {
    if (this.#viewers.get(viewer.info.id) !== viewer) return;
    this.#stopWaiting(viewer);
    this.#viewers.delete(viewer.info.id);
    this.#retire(viewer);
    this.hooks.emit('viewerleft', { ...viewer.info, reason });
    this.hooks.left(reason);
  }

  #receive(viewer: Viewer, message: Uint8Array): void {
    if (viewer.previous) {
      // the viewer speaks on the new channel: it adopted the new secret, the old one is dead
      viewer.previous = null;
      this.hooks.changed(true);
    }
    if (message[0] !== MessageKind.Control) return; // a viewer sends no frames
    const control = parseFromViewer(message.subarray(1));
    if (!control) return;
    switch (control.t) {
      case 'resync':
        if (this.#allow(viewer, 'resync')) this.options.fanOut.sendSnapshot(viewer);
        break;
      case 'ping':
        if (this.#allow(viewer, 'ping')) viewer.channel?.send(controlMessage({ t: 'pong', id: control.id }));
        break;
      case 'bye':
        this.#drop(viewer, 'remote-stopped');
        break;
      case 'pointer':
      case 'click':
        if (this.#allow(viewer, control.t)) this.hooks.emit(control.t, { viewer: viewer.info.id, x: control.x, y: control.y });
        break;
      case 'act':
        if (this.#allow(viewer, 'act')) this.hooks.act(viewer, control.action);
        break;
      case 'ink':
        if (this.#allow(viewer, 'ink')) this.hooks.ink(viewer, { id: control.s, points: control.p, ...(control.end && { end: true }) });
        break;
      case 'ink-clear':
        if (this.#allow(viewer, 'ink')) this.hooks.ink(viewer, null);
        break;
      case 'observer':
        // a viewer may only lower its own role: an observer never controls the page
        if (viewer.info.role !== 'observer') {
          viewer.info.role = 'observer';
          this.hooks.changed(false);
        }
        break;
      case 'pointer-out':
        if (this.#allow(viewer, 'pointer')) this.hooks.emit('pointerout', { viewer: viewer.info.id });
        break;
      case 'control':
        // giving control back is never limited: only asking costs the customer an interruption
        if (control.op === 'release' || this.#allow(viewer, 'control')) this.hooks.control(viewer, control.op);
        break;
    }
  }

  /** Takes a token from the viewer's bucket for `kind`; reports the first refusal of a stretch. */
  #allow(viewer: Viewer, kind: LimitedKind): boolean {
    const bucket = viewer.buckets[kind];
    if (bucket.take(performance.now())) {
      bucket.limited = false;
      return true;
    }
    if (!bucket.limited) {
      bucket.limited = true;
      this.hooks.emit(
        'error',
        new SessionError('rate-limited', `viewer ${viewer.info.id} sends too many '${kind}' messages (dropped)`, viewer.info.id),
      );
    }
    return false;
  }
}

function newViewer(info: ViewerInfo, channel: SecureChannel | null, resume: Uint8Array): Viewer {
  return { info, channel, live: false, resume, previous: null, tryPrevious: false, buckets: viewerBuckets(performance.now()) };
}

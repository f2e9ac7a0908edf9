/**
 * The viewers waiting for the customer (approval.ts says why the customer is asked). A viewer whose
 * handshake is done joins the queue: it is sent `pending` and nothing else, and the customer is
 * asked (the `approval` event, or the site's function). It leaves the queue approved (the session
 * makes it a viewer), denied, timed out after `approvalTimeout`, or because it went away. A denied
 * viewer may not ask again in this session; in `'code'` mode the third wrong code denies it.
 */
import type { SecureChannel } from '../secure/index.js';
import type { Transport } from '../transport/transport.js';
import { codeMatches, MAX_CODE_TRIES } from './approval.js';
import type { Emit } from './events.js';
import { viewerBuckets, type TokenBucket } from './limits.js';
import { controlMessage, MessageKind, parseFromViewer, sendBye } from './messages.js';
import { BYE_GRACE_MS } from './timing.js';
import type { ApprovalRequest, ApproveMode, EndReason, SharingEvents, ViewerRequest } from './types.js';
import type { Violations } from './violations.js';

/** A viewer whose handshake is done, waiting for the customer. It is sent `pending` and nothing else. */
export interface Pending {
  request: ViewerRequest;
  channel: SecureChannel;
  transport: Transport;
  timer: ReturnType<typeof setTimeout>;
  /** Wrong codes typed so far (`'code'` mode). */
  wrong: number;
  /** Its ping bucket: a waiting viewer may ping, and keeps the bucket when approved. */
  ping: TokenBucket;
}

export interface QueueHooks {
  /** Reports `approval`, `approvalended` and errors (the session's events). */
  emit: Emit<SharingEvents>;
  /** Approved: the viewer left the queue, the session makes it a viewer. */
  granted(p: Pending): void;
  /** A viewer left the queue unapproved, for `reason` (a session over one given transport ends). */
  ended(reason: EndReason): void;
}

export class ApprovalQueue {
  readonly #pending = new Map<string, Pending>();
  /** Addresses the customer denied: a denied viewer does not ask again in this session. */
  readonly #refused = new Set<string>();

  constructor(
    private readonly mode: ApproveMode,
    /** Milliseconds a viewer may wait before it is refused with `approval-timeout`. */
    private readonly timeout: number,
    private readonly violations: Violations,
    private readonly hooks: QueueHooks,
  ) {}

  get size(): number {
    return this.#pending.size;
  }

  has(id: string): boolean {
    return this.#pending.has(id);
  }

  isRefused(id: string): boolean {
    return this.#refused.has(id);
  }

  /** The viewers waiting, as the `approval` event describes them. */
  list(): ApprovalRequest[] {
    return [...this.#pending.values()].map((p) => this.#describe(p));
  }

  /** A new viewer finished its handshake: it waits for the customer, and is told so. */
  add(request: ViewerRequest, channel: SecureChannel, transport: Transport): void {
    const old = this.#pending.get(request.id);
    if (old) this.#endPending(old, 'replaced');
    const p: Pending = {
      request,
      channel,
      transport,
      wrong: 0,
      ping: viewerBuckets(performance.now()).ping,
      timer: setTimeout(() => this.#refuse(p, 'approval-timeout'), this.timeout),
    };
    this.#pending.set(request.id, p);
    channel.onmessage = (message) => this.#receive(p, message);
    channel.onclose = (error) => {
      const violation = this.violations.of(transport, error);
      if (violation) this.hooks.emit('error', violation);
      this.#endPending(p, violation ? violation.code : error ? error.code : 'remote-stopped');
    };
    channel.send(controlMessage({ t: 'pending' }));
    this.#ask(p);
  }

  /** See `SharingSession.approve`. */
  approve(id: string, code?: string): boolean {
    const p = this.#pending.get(id);
    if (!p) return false;
    if (this.mode === 'code' && typeof code !== 'string') {
      throw new TypeError("approve(id, code): in 'code' mode, pass the code the agent reads out");
    }
    if (code !== undefined && !codeMatches(code, p.request.sas)) {
      if (++p.wrong >= MAX_CODE_TRIES) this.#refuse(p, 'denied');
      return false;
    }
    return this.#grant(p);
  }

  deny(id: string): void {
    const p = this.#pending.get(id);
    if (p) this.#refuse(p, 'denied');
  }

  /** This page is going away: its next page does not know the waiting viewers, so they are not left waiting. */
  refuseAll(): void {
    for (const p of [...this.#pending.values()]) this.#refuse(p, 'approval-timeout');
  }

  /** The session is over: every waiting viewer's channel closes, after a `bye` with `reason` if given. */
  close(reason?: EndReason): void {
    const all = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of all) {
      clearTimeout(p.timer);
      p.channel.onclose = p.channel.onmessage = null;
      if (reason !== undefined) sendBye(p.channel, reason);
      p.channel.close();
    }
  }

  /** Asks the site's function, or tells the UI (`approval`). */
  #ask(p: Pending): void {
    const mode = this.mode;
    if (typeof mode !== 'function') {
      this.hooks.emit('approval', this.#describe(p));
      return;
    }
    let answer: Promise<boolean>;
    try {
      answer = Promise.resolve(mode({ ...p.request }));
    } catch (error) {
      answer = Promise.reject(error);
    }
    answer.then(
      (allowed) => void (allowed === true ? this.#grant(p) : this.#refuse(p, 'denied')),
      (error: unknown) => {
        this.hooks.emit('error', error instanceof Error ? error : new Error(String(error)));
        this.#refuse(p, 'denied');
      },
    );
  }

  #describe(p: Pending): ApprovalRequest {
    const mode = this.mode === 'code' ? 'code' : 'prompt';
    // in 'code' mode the customer must hear the code from the agent: this page does not show it
    return { id: p.request.id, name: p.request.name, mode, sas: mode === 'code' ? null : p.request.sas };
  }

  /** Takes `p` out of the queue; false when it was no longer there (answered, gone, session over). */
  #unpend(p: Pending): boolean {
    if (this.#pending.get(p.request.id) !== p) return false;
    this.#pending.delete(p.request.id);
    clearTimeout(p.timer);
    return true;
  }

  /** Approved: the session makes it a viewer. False when it was no longer waiting. */
  #grant(p: Pending): boolean {
    if (!this.#unpend(p)) return false;
    this.hooks.granted(p);
    return true;
  }

  /** Denied or not answered: it is told why and gets nothing else; its channel closes. */
  #refuse(p: Pending, reason: 'denied' | 'approval-timeout'): void {
    if (!this.#unpend(p)) return;
    if (reason === 'denied') this.#refused.add(p.request.id);
    const channel = p.channel;
    channel.onmessage = null;
    channel.onclose = null;
    sendBye(channel, reason);
    // the viewer closes on `bye`; a link that drops data on close (a data channel) gets a moment first
    setTimeout(() => channel.close(), BYE_GRACE_MS);
    this.hooks.emit('approvalended', { id: p.request.id, approved: false, reason });
    this.hooks.ended(reason);
  }

  /** The waiting viewer went away (closed, replaced, broke a limit). */
  #endPending(p: Pending, reason: EndReason): void {
    if (!this.#unpend(p)) return;
    p.channel.onclose = p.channel.onmessage = null;
    p.channel.close();
    this.hooks.emit('approvalended', { id: p.request.id, approved: false, reason });
    this.hooks.ended(reason);
  }

  /** A waiting viewer may ping, say it only watches, and leave; nothing else it sends does anything. */
  #receive(p: Pending, message: Uint8Array): void {
    if (message[0] !== MessageKind.Control) return;
    const control = parseFromViewer(message.subarray(1));
    if (control?.t === 'bye') this.#endPending(p, 'remote-stopped');
    else if (control?.t === 'observer')
      p.request.role = 'observer'; // it becomes a viewer as one
    else if (control?.t === 'ping' && p.ping.take(performance.now())) p.channel.send(controlMessage({ t: 'pong', id: control.id }));
  }
}

/**
 * Who may control the customer's page: at most one viewer at a time, only after the customer said
 * yes, and only for as long as the customer lets it. Every decision is made here, on the customer's
 * page; a viewer can only ask (`control` request), give it back (`release`), and be told the outcome.
 *
 *   none ──request──▶ asking ──grant──▶ held ──revoke / release / hidden / left / ended──▶ none
 *                        └──deny / expired / left──▶ none
 *
 * A request while another viewer asks or holds control is refused (`busy`): the others watch.
 * With `control: false` every request is refused (`not-allowed`); an observer's too (`observer`).
 *
 * Across a navigation: the page that goes away ends control (`navigation`); the site's next page may
 * hand it back to the same viewer, once that viewer has proved itself again (its channel resumed), and
 * only until `until` (`keep` then `resumed`). Meanwhile nobody else may ask (`busy`), and whatever
 * ends control (the customer's Escape, a hidden tab, the session ending, the viewer leaving) drops it.
 */
import type { Emit } from '../session/events.js';
import type { ControlEndReason, ControlMode, SharingEvents, ViewerInfo } from '../session/types.js';

export interface LeaseHooks {
  emit: Emit<SharingEvents>;
  /** The viewer's current info (null once it left). */
  info(id: string): ViewerInfo | null;
  /** Tells one viewer where its request or its control stands. */
  tell(id: string, state: 'asking' | 'granted' | 'ended', reason?: ControlEndReason): void;
  /** This page can perform the agent's input (the entry it loaded includes remote control). */
  available(): boolean;
}

export class ControlLease {
  #asking: { id: string; timer: ReturnType<typeof setTimeout> } | null = null;
  #holder: string | null = null;
  /** The viewer that held control on the previous page, while it is not back: given control when it is. */
  #kept: { id: string; until: number } | null = null;

  constructor(
    private readonly mode: ControlMode,
    /** Milliseconds the customer has to answer before the request expires. */
    private readonly timeout: number,
    private readonly hooks: LeaseHooks,
  ) {}

  /** The viewer in control now, or null. */
  get holder(): string | null {
    return this.#holder;
  }

  /** Whether the previous page's holder may still get control back here (it is not back yet). */
  get kept(): boolean {
    return this.#kept !== null;
  }

  /** The viewer waiting for the customer's answer, or null. */
  get asking(): string | null {
    return this.#asking?.id ?? null;
  }

  /** A viewer asks for control. */
  request(id: string): void {
    const viewer = this.hooks.info(id);
    if (!viewer) return;
    if (this.#holder === id || this.#asking?.id === id) return; // asked twice: the first question stands
    const refusal =
      this.mode === false
        ? 'not-allowed'
        : !this.hooks.available()
          ? 'unavailable'
          : viewer.role === 'observer'
            ? 'observer'
            : this.#busy()
              ? 'busy'
              : null;
    if (refusal) return this.#end(id, refusal);
    const timer = setTimeout(() => this.deny(id, 'expired'), this.timeout);
    this.#asking = { id, timer };
    this.hooks.tell(id, 'asking');
    if (typeof this.mode === 'function') return this.#ask(this.mode, viewer);
    this.hooks.emit('controlrequest', { ...viewer, expires: Date.now() + this.timeout });
  }

  /** The customer allows the viewer asking now. Returns false when it is not (or no longer) asking. */
  grant(id: string): boolean {
    if (this.#asking?.id !== id || !this.hooks.info(id)) return false;
    clearTimeout(this.#asking.timer);
    this.#asking = null;
    this.#hold(id, false);
    return true;
  }

  /** The previous page's viewer in control (`id`) gets it back when it resumes before `until` (ms since the epoch). */
  keep(id: string, until: number): void {
    if (this.mode !== false && !this.#busy()) this.#kept = { id, until };
  }

  /** A viewer's channel is back (it proved it is the same viewer): the control it held is its again. */
  resumed(id: string): void {
    const kept = this.#kept;
    if (kept?.id !== id) return;
    this.#kept = null;
    // an observer now (the chat says so) or too late: it asks again, like anyone
    if (Date.now() > kept.until || this.hooks.info(id)?.role !== 'agent' || !this.hooks.available()) return;
    this.#hold(id, true);
  }

  /** The customer says no (or the request expired, or the viewer went away while asking). */
  deny(id: string, reason: ControlEndReason = 'denied'): void {
    if (this.#asking?.id !== id) return;
    clearTimeout(this.#asking.timer);
    this.#asking = null;
    this.#end(id, reason);
  }

  /** Control ends, whoever holds it: the customer took it back, the tab was hidden, the session ends. */
  revoke(reason: ControlEndReason): void {
    this.#kept = null; // never given back after the customer took it (or it ended otherwise)
    if (this.#asking) this.deny(this.#asking.id, reason === 'revoked' ? 'denied' : reason);
    const holder = this.#holder;
    if (!holder) return;
    this.#holder = null;
    this.#end(holder, reason);
  }

  /** The viewer gives control back. */
  release(id: string): void {
    if (this.#kept?.id === id) this.#kept = null;
    if (this.#asking?.id === id) return this.deny(id, 'released');
    if (this.#holder !== id) return;
    this.#holder = null;
    this.#end(id, 'released');
  }

  /** The viewer left the session: whatever it asked or held ends (nobody to tell). */
  left(id: string, info: ViewerInfo): void {
    if (this.#kept?.id === id) this.#kept = null; // gone before it came back: nothing to give back
    if (this.#asking?.id === id) {
      clearTimeout(this.#asking.timer);
      this.#asking = null;
    } else if (this.#holder === id) {
      this.#holder = null;
    } else return;
    this.hooks.emit('control', { ...info, granted: false, reason: 'left' });
  }

  #busy(): boolean {
    // a kept control stops blocking others once it can no longer be given back
    return this.#holder !== null || this.#asking !== null || (this.#kept !== null && Date.now() <= this.#kept.until);
  }

  #hold(id: string, restored: boolean): void {
    this.#holder = id;
    this.hooks.tell(id, 'granted');
    this.hooks.emit('control', { ...this.hooks.info(id)!, granted: true, ...(restored && { restored }) });
  }

  /** The site's function decides; a throwing or rejecting one is a no, reported as an error. */
  #ask(decide: (viewer: ViewerInfo) => Promise<boolean> | boolean, viewer: ViewerInfo): void {
    let answer: Promise<boolean>;
    try {
      answer = Promise.resolve(decide({ ...viewer }));
    } catch (error) {
      answer = Promise.reject(error);
    }
    answer.then(
      (allowed) => (allowed === true ? this.grant(viewer.id) : this.deny(viewer.id)),
      (error: unknown) => {
        this.hooks.emit('error', error instanceof Error ? error : new Error(String(error)));
        this.deny(viewer.id);
      },
    );
  }

  /** Tells the viewer and the page (its UI, its audit log) that a request or a control is over. */
  #end(id: string, reason: ControlEndReason): void {
    this.hooks.tell(id, 'ended', reason);
    const info = this.hooks.info(id);
    if (info) this.hooks.emit('control', { ...info, granted: false, reason });
  }
}

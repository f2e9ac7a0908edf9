/**
 * Remote control in a sharing session: who holds it (lease.ts decides, on this page) and,
 * while a viewer does, the replay that performs its input (replay.ts, checked by guard.ts). Every action of a
 * viewer goes through here: performed only for the viewer in control, refused otherwise, and each
 * refusal is told to the viewer and reported to the page (`refused`, for the audit log: never a value).
 * Provided to sessions by `enableRemoteControl()` (index.ts): the sharer core does not carry it.
 * A submit waits for the customer (`controlconfirm`, then `confirmSubmit()` / `declineSubmit()`).
 */
import type { RemoteControlHooks, RemoteControlPort } from '../session/control-port.js';
import type { Emit } from '../session/events.js';
import { controlMessage } from '../session/messages.js';
import { DEFAULT_CONTROL_TIMEOUT } from '../session/timing.js';
import type { ControlEndReason, SharingEvents, SharingOptions, ViewerInfo } from '../session/types.js';
import type { ControlAction } from './actions.js';
import { ControlGuard, type Verdict } from './guard.js';
import { ControlLease } from './lease.js';
import { parseAction } from './parse.js';
import { ControlReplay } from './replay.js';

type Refused = Verdict | { reason: 'not-controlling' };

export class RemoteControl implements RemoteControlPort {
  readonly #lease: ControlLease;
  #engine: { viewer: string; engine: ControlReplay; confirming: ControlAction['a'] | null } | null = null;

  constructor(
    private readonly options: SharingOptions,
    private readonly hooks: RemoteControlHooks,
  ) {
    // the lease's `control` events start and end the engine, then reach the page
    const emit: Emit<SharingEvents> = (type, detail) => {
      if (type === 'control') {
        const change = detail as SharingEvents['control'];
        if (change.granted) this.#start(change.id);
        else this.#end(change.id);
      }
      hooks.emit(type, detail);
    };
    this.#lease = new ControlLease(options.control ?? 'prompt', options.controlTimeout ?? DEFAULT_CONTROL_TIMEOUT, {
      emit,
      info: hooks.info,
      tell: (id, state, reason) => hooks.send(id, controlMessage({ t: 'control-state', state, ...(reason && { reason }) })),
      available: () => true,
    });
  }

  /** The customer switched away from this tab: whoever controls the page must not act unseen. */
  readonly #onVisibility = (event: Event) => {
    if ((event.target as Document).visibilityState === 'hidden') this.#lease.revoke('hidden');
  };
  /** The customer's own Escape takes control back. Only a real key press: the agent's keys are synthetic (untrusted). */
  readonly #onKey = (event: KeyboardEvent) => {
    if (event.isTrusted && event.key === 'Escape' && (this.#lease.holder || this.#lease.kept)) this.#lease.revoke('revoked');
  };

  /** Listens on the shared document for what ends control by itself (hidden tab, the customer's Escape). */
  watch(doc: Document): void {
    doc.addEventListener('visibilitychange', this.#onVisibility);
    doc.addEventListener('keydown', this.#onKey, true);
  }

  unwatch(doc: Document): void {
    doc.removeEventListener('visibilitychange', this.#onVisibility);
    doc.removeEventListener('keydown', this.#onKey, true);
  }

  get holder(): string | null {
    return this.#lease.holder;
  }

  request(id: string): void {
    this.#lease.request(id);
  }

  release(id: string): void {
    this.#lease.release(id);
  }

  grant(id: string): boolean {
    return this.#lease.grant(id);
  }

  deny(id: string): void {
    this.#lease.deny(id);
  }

  revoke(reason: ControlEndReason): void {
    this.#lease.revoke(reason);
  }

  /** The page goes away: control ends; its holder is named for the next page when that page may be an allowed one. */
  suspend(): string | null {
    const holder = this.#lease.holder;
    this.#lease.revoke('navigation');
    return holder && ownOriginAllowed(this.hooks.doc(), this.options.controlRules?.allowedOrigins) ? holder : null;
  }

  /** The previous page's holder gets control back when it resumes, if this page was reached from an allowed one. */
  restore(viewer: string, until: number): void {
    if (cameFromAllowed(this.hooks.doc(), this.options.controlRules?.allowedOrigins)) this.#lease.keep(viewer, until);
  }

  resumed(info: ViewerInfo): void {
    this.#lease.resumed(info.id);
  }

  /** A viewer went away (or lost its link): what it asked or held ends. */
  left(info: ViewerInfo): void {
    this.#lease.left(info.id, info);
  }

  /** One input of a viewer, as it arrived: malformed ones are dropped, like any bad control message. */
  act(viewer: string, raw: unknown): void {
    const action = parseAction(raw);
    if (!action) return;
    const e = this.#engine;
    if (!e || e.viewer !== viewer || this.#lease.holder !== viewer) return this.#report(viewer, action.a, { reason: 'not-controlling' });
    this.#report(viewer, action.a, e.engine.perform(action));
  }

  confirmSubmit(): void {
    this.#answerSubmit(true);
  }

  declineSubmit(): void {
    this.#answerSubmit(false);
  }

  /** The customer's answer to the submit that waits (nothing when none does). */
  #answerSubmit(yes: boolean): void {
    const e = this.#engine;
    if (!e?.confirming) return;
    const action = e.confirming;
    e.confirming = null;
    this.#report(e.viewer, action, yes ? e.engine.confirmSubmit() : e.engine.declineSubmit());
  }

  /** Control was granted: an engine for it, on the capture the viewer sees (ids mean the same on both sides). */
  #start(viewer: string): void {
    const capture = this.hooks.capture();
    try {
      if (!capture) throw new Error('remote control before anything was captured');
      const doc = this.hooks.doc();
      const guard = new ControlGuard(doc, { ...this.options.controlRules, mask: this.options.mask }); // throws on a bad selector
      this.#engine = { viewer, engine: new ControlReplay(doc, guard, capture), confirming: null };
    } catch (error) {
      this.hooks.emit('error', error instanceof Error ? error : new Error(String(error)));
      this.#lease.revoke('unavailable');
    }
  }

  #end(viewer: string): void {
    if (this.#engine?.viewer !== viewer) return;
    this.#engine.engine.end();
    this.#engine = null;
  }

  /** Done (null), a submit waiting for the customer, or refused: the viewer is told, the page hears it. */
  #report(viewer: string, action: ControlAction['a'], outcome: Refused): void {
    if (outcome === null) return;
    if (outcome === 'confirm-submit') {
      if (this.#engine) this.#engine.confirming = action;
      this.hooks.send(viewer, controlMessage({ t: 'refused', a: action, reason: 'confirm-submit' }));
      const info = this.hooks.info(viewer);
      if (info) this.hooks.emit('controlconfirm', info);
      return;
    }
    // a pointer moving over a private field is refused at every move: only what the agent did is reported
    if (action === 'move') return;
    this.hooks.send(viewer, controlMessage({ t: 'refused', a: action, reason: outcome.reason }));
    this.hooks.emit('refused', { viewer, action, reason: outcome.reason });
  }
}

/** Whether this page's own origin is one the agent may be on (the default: only this one). */
function ownOriginAllowed(doc: Document, allowed: readonly string[] | undefined): boolean {
  const origin = doc.defaultView?.origin;
  return !!origin && (!allowed || allowed.includes(origin));
}

/**
 * Whether control may carry over to this page: its origin is an allowed one, and the customer got here
 * from an allowed page (a link or a form of the site; a reload is the same page). A customer who went
 * off to another site and came back, by a link or by Back, is not handing control over: the agent asks
 * again. Without a referrer (`Referrer-Policy: no-referrer`) nothing carries over either.
 */
function cameFromAllowed(doc: Document, allowed: readonly string[] | undefined): boolean {
  const win = doc.defaultView;
  if (!win || !ownOriginAllowed(doc, allowed)) return false;
  const entry = win.performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  if (entry?.type === 'reload') return true;
  if (entry?.type === 'back_forward') return false;
  try {
    return (allowed ?? [win.origin]).includes(new URL(doc.referrer).origin);
  } catch {
    return false; // no referrer
  }
}

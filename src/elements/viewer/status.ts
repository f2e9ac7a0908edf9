/**
 * What `<cobrowse-viewer>` knows about its session — its state, the code, the customer's page, the
 * latency, a snapshot's progress, the wait for the customer's approval, the resumptions — kept
 * current from the session's events, and the element's `cobrowse-*` events fired from them. The
 * element renders again whenever any of it changes.
 */
import type { ViewingSession } from '../../session/viewing.js';
import type { MirrorViewport } from '../../mirror/mirror.js';
import type { CustomerPresence, EndReason, SessionState, StateChange, ViewerControl } from '../../session/types.js';

/** `idle`: no session yet; then a session's states. */
export type ViewerState = 'idle' | SessionState;

/**
 * Detail of `cobrowse-state`. `message`: the sentence the element shows for it (the state, or why
 * the session ended and what to do next), so a console's log says what the view says, not a code.
 */
export type ViewerStateDetail = { state: ViewerState; reason?: EndReason; message: string };

/** Round trips are measured this often while connected (a `latency` event each). */
export const PING_MS = 2000;

export interface StatusHooks {
  /** A frame was applied: the view follows the sharer's viewport. */
  frame(): void;
  /** The session ended: the agent's pointer goes nowhere any more. */
  ended(): void;
  /** The element's sentence for a state (for `ended`, why and what to do next), in its language. */
  describe(state: ViewerState, reason: EndReason | undefined, reached: boolean): string;
}

/** A bubbling, composed event, so a console can listen on any ancestor. */
export function fire<T>(target: EventTarget, type: string, detail: T): void {
  target.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }));
}

/** The element: where the events go, and what renders again. */
export type StatusHost = EventTarget & { requestUpdate(): void };

export class ViewerStatus {
  /** The running (or last) session. */
  session: ViewingSession | null = null;
  phase: ViewerState = 'idle';
  /** Why the session ended, once `phase` is `ended`. */
  reason: EndReason | undefined = undefined;
  /** The current session was connected at some point (what `unreachable` means depends on it). */
  reached = false;
  sas: string | null = null;
  latency: number | null = null;
  url = '';
  /** 0..1 while a large message (a snapshot) arrives, else null. */
  progress: number | null = null;
  /** The customer is asked to approve this agent. */
  awaiting = false;
  /** Resumptions of this session so far. */
  resumptions = 0;
  /** Where this agent's control of the page stands, and why it last ended (null: nothing to say). */
  control: ViewerControl = 'none';
  controlNote: string | null = null;
  /** Why the customer's page last refused the agent while in control (a RefusalReason), or null. */
  refusal: string | null = null;
  /** The customer's viewport (CSS pixels and device pixel ratio), once a frame said it. */
  viewport: MirrorViewport | null = null;
  /** The customer's tab hidden, the customer idle (the sharer says so). */
  customer: CustomerPresence = { hidden: false, idle: false };
  /** Part of the customer's page is left out of the view (Mirror.partial). */
  partial = false;
  #unsubscribe: (() => void)[] = [];
  #pinger: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly host: StatusHost,
    private readonly hooks: StatusHooks,
  ) {}

  /** A new session is being set up: nothing of the last one is shown any more. */
  begin(): void {
    this.unfollow();
    this.session = null;
    this.sas = null;
    this.latency = null;
    this.url = '';
    this.progress = null;
    this.awaiting = false;
    this.resumptions = 0;
    this.reached = false;
    this.control = 'none';
    this.controlNote = null;
    this.refusal = null;
    this.viewport = null;
    this.customer = { hidden: false, idle: false };
    this.partial = false;
    this.#setPhase({ state: 'connecting' });
  }

  /** No session any more, nothing of the last one shown. */
  reset(): void {
    this.begin();
    this.#setPhase({ state: 'idle' });
  }

  /** The session could not be set up. */
  failed(): void {
    this.#setPhase({ state: 'ended', reason: 'signaling' });
  }

  follow(session: ViewingSession): void {
    this.session = session;
    this.#unsubscribe = [
      session.on('state', (change) => this.#stateChanged(session, change)),
      session.on('sas', (sas) => {
        this.#update({ sas });
        fire<string>(this.host, 'cobrowse-sas', sas);
      }),
      session.on('pending', ({ sas }) => {
        this.#update({ awaiting: true });
        fire<{ sas: string }>(this.host, 'cobrowse-pending', { sas });
      }),
      session.on('resumed', ({ count }) => {
        this.#update({ resumptions: count });
        fire<{ count: number }>(this.host, 'cobrowse-resumed', { count });
      }),
      session.on('progress', ({ received, total }) => this.#update({ progress: received < total ? received / total : null })),
      session.on('latency', (ms) => this.#update({ latency: ms })),
      session.on('control', ({ state, reason }) =>
        this.#update({ control: state, controlNote: state === 'none' ? (reason ?? null) : null, refusal: null }),
      ),
      session.on('refused', ({ reason }) => this.#update({ refusal: reason })),
      session.on('customer', (customer) => this.#update({ customer })),
      session.on('frame', ({ snapshot }) => {
        const viewport = session.mirror.viewport && { ...session.mirror.viewport };
        const { url, partial } = session.mirror;
        this.#update({ awaiting: false, url, viewport, partial, ...(snapshot && { progress: null }) });
        this.hooks.frame();
      }),
    ];
    // the session may have moved on while startViewing resolved
    if (session.state !== this.phase) this.#setPhase({ state: session.state });
    if (session.sas && !this.sas) this.#update({ sas: session.sas });
    if (session.awaitingApproval) this.#update({ awaiting: true });
    this.#update({ customer: session.customer });
    if (session.state === 'connected') this.#startPinging(session);
  }

  unfollow(): void {
    for (const off of this.#unsubscribe.splice(0)) off();
    clearInterval(this.#pinger);
  }

  #stateChanged(session: ViewingSession, change: StateChange): void {
    this.#setPhase(change);
    if (change.state === 'connected') this.#startPinging(session);
    else clearInterval(this.#pinger);
    if (change.state !== 'ended') return;
    this.#update({ progress: null });
    this.hooks.ended();
  }

  #setPhase(change: StateChange | Omit<ViewerStateDetail, 'message'>): void {
    if (change.state === 'connected') this.reached = true;
    this.#update({ phase: change.state, reason: change.reason });
    const message = this.hooks.describe(change.state, change.reason, this.reached);
    const detail: ViewerStateDetail =
      change.reason === undefined ? { state: change.state, message } : { state: change.state, reason: change.reason, message };
    fire<ViewerStateDetail>(this.host, 'cobrowse-state', detail);
  }

  #startPinging(session: ViewingSession): void {
    clearInterval(this.#pinger);
    session.ping(); // at once: the agent sees a number as soon as the page is there
    this.#pinger = setInterval(() => session.ping(), PING_MS);
  }

  /** Takes new values and has the element render them. */
  #update(
    values: Partial<
      Pick<
        ViewerStatus,
        | 'phase'
        | 'reason'
        | 'sas'
        | 'latency'
        | 'url'
        | 'progress'
        | 'awaiting'
        | 'resumptions'
        | 'control'
        | 'controlNote'
        | 'refusal'
        | 'viewport'
        | 'customer'
        | 'partial'
      >
    >,
  ): void {
    Object.assign(this, values);
    this.host.requestUpdate();
  }
}

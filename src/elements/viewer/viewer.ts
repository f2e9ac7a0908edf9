/**
 * `<cobrowse-viewer>`: the agent's view of the customer's page, with what the agent needs around it —
 * the connection state, the six-digit code to read out, where the customer is, the latency, and
 * End session.
 *
 * The element starts the session itself (`startViewing` needs a container, and the container is in
 * this element's shadow root): give it what the chat delivered and call `start()`:
 *
 *   viewer.signaling = { url, id, token };     // or any SignalingAdapter
 *   viewer.invitation = invitation;             // { peer, secret } from the customer's accept
 *   await viewer.start();                       // or viewer.start({ signaling, invitation })
 *
 * One session at a time: an agent views one page at a time, so `start()` while a session is on
 * rejects (InvalidStateError) until it has ended (`stop()`, or the customer stopped). A supervisor
 * watching the same customer is another viewer in their own console, with their own code.
 *
 * The agent's pointer and clicks over the view go to the customer as annotations (`pointer`/`click`
 * on the SharingSession), never as input to the customer's page. The mirror iframe takes no pointer
 * events at all: the agent can neither click links in it nor make its `:hover` lie about the
 * customer's.
 */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { checkResourceOrigins } from '../../mirror/resources.js';
import { startViewing, type ViewingSession } from '../../session/viewing.js';
import type { EndReason, Invitation, SessionState, SignalingOptions, StateChange } from '../../session/types.js';
import type { SignalingAdapter } from '../../signaling/adapter.js';
import type { Transport } from '../../transport/transport.js';
import { languageOf, translate } from '../i18n.js';
import { endedMessage, viewerMessages, type ViewerKey } from '../messages/viewer.js';
import { FrameThrottle, toSharerViewport } from './pointer.js';

/** `idle`: no session yet; then a session's states. */
export type ViewerState = 'idle' | SessionState;

/** How the customer's page is sized: `fit` to the element's width, or `actual` CSS pixels (scrolls). */
export type ViewerScale = 'fit' | 'actual';

/** What `start()` needs: `signaling` + `invitation` (the chat), or `transport` + `secret` (tests, relays). */
export interface ViewerConnection {
  signaling?: SignalingAdapter | SignalingOptions | null;
  invitation?: Invitation | null;
  transport?: Transport | null;
  secret?: Uint8Array | string | null;
  rtc?: RTCConfiguration | (() => RTCConfiguration) | null;
}

/** Detail of `cobrowse-state`. */
export type ViewerStateDetail = { state: ViewerState; reason?: EndReason };

/** Round trips are measured this often while connected (a `latency` event each). */
export const PING_MS = 2000;

/**
 * The agent's view of the customer's page: the live mirror, the customer's cursor and clicks, the
 * agent's own pointer sent back as annotations, and a status bar (state, code, page, latency,
 * progress, End session).
 *
 * @tagname cobrowse-viewer
 * @attr scale - `fit` (default: fit to width, keeping the customer's aspect) or `actual` (1:1, scrolls)
 * @attr no-cursor - hide the customer's cursor
 * @attr lang - language of the element's strings (`en`, `ja`); inherited from ancestors when absent
 * @fires cobrowse-state - the session's state changed; detail `{ state, reason? }`
 * @fires cobrowse-sas - the 6-digit code to compare with the customer; detail: the code
 * @fires cobrowse-pending - the customer is asked to approve this agent; detail `{ sas }`
 * @fires cobrowse-resumed - the connection was resumed (link back, or the customer's next page); detail `{ count }`
 * @fires cobrowse-end - the agent ended the session; detail `{ reason: 'stopped' }`
 * @csspart bar - the status bar
 * @csspart status - the live region (state and code)
 * @csspart state - the state label
 * @csspart code-label - "code"
 * @csspart code - the 6-digit code
 * @csspart page - the customer's page (host and path)
 * @csspart latency - the round-trip time
 * @csspart resumed - "Reconnected (n×)" after a resumption
 * @csspart end-button - End session
 * @csspart progress - the snapshot progress bar
 * @csspart stage - the area around the view
 * @csspart view - the mirror's box
 * @csspart message - empty, ended and error messages
 * @cssprop --cobrowse-font - font family
 * @cssprop --cobrowse-font-size - font size
 * @cssprop --cobrowse-color - text color
 * @cssprop --cobrowse-bg - background
 * @cssprop --cobrowse-border - border of the view
 * @cssprop --cobrowse-radius - corner radius
 * @cssprop --cobrowse-bar-bg - status bar background
 * @cssprop --cobrowse-bar-border - status bar border
 * @cssprop --cobrowse-accent - accent (buttons, progress)
 * @cssprop --cobrowse-danger - End session button
 * @cssprop --cobrowse-danger-contrast - End session text
 * @cssprop --cobrowse-focus-ring - keyboard focus ring
 * @cssprop --cobrowse-muted - secondary text
 * @cssprop --cobrowse-ok - connected
 * @cssprop --cobrowse-warn - connecting, reconnecting
 */
export class CobrowseViewer extends LitElement {
  static override properties = {
    /** `fit` (default): the page scaled to the element's width. `actual`: 1:1, the view scrolls. */
    scale: { type: String, reflect: true },
    /** Hide the customer's pointer and clicks. */
    noCursor: { type: Boolean, reflect: true, attribute: 'no-cursor' },
    /**
     * Origins the customer's page may load images, styles, fonts and media from in the view,
     * space-separated: `page` (the page's own origin, the default), origins such as
     * `https://cdn.example.com`, or `*`. Nothing else is ever requested. Read at `start()`.
     */
    resourceOrigins: { type: String, reflect: true, attribute: 'resource-origins' },
    signaling: { attribute: false },
    invitation: { attribute: false },
    transport: { attribute: false },
    secret: { attribute: false },
    rtc: { attribute: false },
    current: { state: true },
    phase: { state: true },
    endReason: { state: true },
    sas: { state: true },
    latency: { state: true },
    url: { state: true },
    progress: { state: true },
    awaiting: { state: true },
    resumptions: { state: true },
  };

  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      min-height: 12rem;
      font-family: var(--cobrowse-font, system-ui, sans-serif);
      font-size: var(--cobrowse-font-size, 14px);
      line-height: 1.4;
      color: var(--cobrowse-color, #1d1d1f);
      background: var(--cobrowse-bg, #f4f5f7);
      border: var(--cobrowse-border, 1px solid #d0d4dc);
      border-radius: var(--cobrowse-radius, 6px);
      overflow: hidden;
    }
    :host([hidden]) {
      display: none;
    }
    [part~='bar'] {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.25rem 1rem;
      padding: 0.4rem 0.75rem;
      background: var(--cobrowse-bar-bg, #fff);
      border-bottom: 1px solid var(--cobrowse-bar-border, #d0d4dc);
    }
    [part~='state']::before {
      content: '';
      display: inline-block;
      width: 0.6em;
      height: 0.6em;
      margin-right: 0.4em;
      border-radius: 50%;
      background: var(--cobrowse-muted, #8a8f98);
    }
    [part~='state'][data-state='connected']::before {
      background: var(--cobrowse-ok, #1f9d55);
    }
    [part~='state'][data-state='connecting']::before,
    [part~='state'][data-state='reconnecting']::before {
      background: var(--cobrowse-warn, #e0a800);
    }
    [part~='code'] {
      font-weight: 700;
      font-variant-numeric: tabular-nums;
      letter-spacing: 0.12em;
    }
    [part~='page'] {
      min-width: 0;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      max-width: 40ch;
    }
    [part~='latency'] {
      color: var(--cobrowse-muted, #5f6570);
      font-variant-numeric: tabular-nums;
    }
    [part~='end-button'] {
      margin-left: auto;
      font: inherit;
      cursor: pointer;
      border-radius: var(--cobrowse-radius, 6px);
      padding: 0.35em 0.9em;
      border: 1px solid var(--cobrowse-danger, #c62828);
      background: var(--cobrowse-danger, #c62828);
      color: var(--cobrowse-danger-contrast, #fff);
    }
    [part~='end-button']:disabled {
      cursor: default;
      opacity: 0.45;
    }
    [part~='end-button']:focus-visible {
      outline: 3px solid var(--cobrowse-focus-ring, #8fb0ff);
      outline-offset: 2px;
    }
    [part~='progress'] {
      display: block;
      width: 100%;
      height: 4px;
      border: 0;
      appearance: none;
      background: transparent;
      accent-color: var(--cobrowse-accent, #2451c7);
    }
    [part~='progress']::-webkit-progress-bar {
      background: transparent;
    }
    [part~='progress']::-webkit-progress-value {
      background: var(--cobrowse-accent, #2451c7);
    }
    [part~='stage'] {
      position: relative;
      flex: 1;
      min-height: 0;
      overflow: auto;
      /* the width must not depend on a scrollbar: 'fit' scales to it, the scaled page's height would
         add or remove the scrollbar, and the two would chase each other */
      scrollbar-gutter: stable;
    }
    :host(:not([scale='actual'])) [part~='stage'] {
      overflow-x: hidden;
    }
    /* sized by the sharer's aspect ratio (set from its viewport), never by its content: the Mirror's
       ResizeObserver watches this box, and a box that grew with the mirror it lays out would notify
       again in the same frame (a ResizeObserver loop) */
    [part~='view'] {
      position: relative;
      aspect-ratio: 4 / 3;
      overflow: hidden;
      cursor: crosshair;
    }
    /* the mirror takes no pointer events: they are the agent's annotations (see pointer.ts) */
    [part~='view'] iframe {
      pointer-events: none;
    }
    :host([no-cursor]) [data-cobrowse-mirror-overlay] {
      display: none;
    }
    [part~='message'] {
      position: absolute;
      inset: 0;
      display: flex;
      flex-direction: column;
      align-items: center;
      justify-content: center;
      gap: 0.5rem;
      padding: 1.5rem;
      text-align: center;
      color: var(--cobrowse-muted, #5f6570);
    }
    [part~='message'][hidden] {
      display: none;
    }
    [part~='message'] strong {
      color: var(--cobrowse-color, #1d1d1f);
      font-size: 1.1em;
    }
  `;

  declare scale: ViewerScale;
  declare noCursor: boolean;
  declare resourceOrigins: string;
  declare signaling: SignalingAdapter | SignalingOptions | null;
  declare invitation: Invitation | null;
  declare transport: Transport | null;
  declare secret: Uint8Array | string | null;
  declare rtc: RTCConfiguration | (() => RTCConfiguration) | null;
  declare private current: ViewingSession | null;
  declare private phase: ViewerState;
  declare private endReason: EndReason | undefined;
  /** The current session was connected at some point (what `unreachable` means depends on it). */
  private reached = false;
  declare private sas: string | null;
  declare private latency: number | null;
  declare private url: string;
  /** 0..1 while a large message (a snapshot) arrives, else null. */
  declare private progress: number | null;
  /** The customer is asked to approve this agent. */
  declare private awaiting: boolean;
  /** Resumptions of this session so far. */
  declare private resumptions: number;

  private starting = false;
  private unsubscribe: (() => void)[] = [];
  private pinger: ReturnType<typeof setInterval> | undefined;
  private viewport = '';
  private readonly throttle = new FrameThrottle((x, y) => this.sendPointer(x, y));

  constructor() {
    super();
    this.scale = 'fit';
    this.noCursor = false;
    this.resourceOrigins = 'page';
    this.signaling = this.invitation = this.transport = this.secret = this.rtc = null;
    this.current = null;
    this.phase = 'idle';
    this.endReason = undefined;
    this.reached = false;
    this.sas = null;
    this.latency = null;
    this.url = '';
    this.progress = null;
    this.awaiting = false;
    this.resumptions = 0;
  }

  // `lang` is the platform's own property: observe the attribute, do not shadow the accessor (a
  // reactive `lang` would reflect lang="" and cut the element off its ancestors' language)
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'lang'];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang') this.requestUpdate();
  }

  /** The running (or last) session: for its events (`frame`, `error`, ...) and its `mirror`. */
  get session(): ViewingSession | null {
    return this.current;
  }

  /** `idle` until `start()`, then the session's state. */
  get state(): ViewerState {
    return this.phase;
  }

  /** Why the session ended, once `state` is `ended`. */
  get reason(): EndReason | undefined {
    return this.endReason;
  }

  /**
   * Starts viewing with the element's properties, overridden by `options`. Resolves with the session
   * once it is set up (`session.connected` resolves when the page is shown). Rejects with an
   * InvalidStateError while another session is on, and with the session's error when it cannot start.
   */
  async start(options: ViewerConnection = {}): Promise<ViewingSession> {
    if (this.starting || (this.current && this.current.state !== 'ended')) {
      throw new DOMException(
        'cobrowse-viewer: a co-browse session is already on. An agent views one page at a time: end it (stop()) before starting another.',
        'InvalidStateError',
      );
    }
    if (!this.isConnected) throw new DOMException('cobrowse-viewer: add the element to the document before start()', 'InvalidStateError');
    const pick = <K extends keyof ViewerConnection>(key: K): NonNullable<ViewerConnection[K]> | undefined =>
      (options[key] !== undefined ? options[key] : this[key]) ?? undefined;
    const signaling = pick('signaling');
    const invitation = pick('invitation');
    const transport = pick('transport');
    const secret = pick('secret') ?? invitation?.secret;
    // checked here, before startViewing puts a mirror in the view that nothing would take out again
    if (!transport && !(signaling && invitation)) throw new TypeError('cobrowse-viewer: start() needs signaling and an invitation, or a transport');
    if (secret === undefined) throw new TypeError('cobrowse-viewer: start() needs the invitation secret');
    const resourceOrigins = checkResourceOrigins((this.resourceOrigins || 'page').trim().split(/\s+/));

    this.starting = true;
    this.unfollow();
    this.current = null;
    this.sas = null;
    this.latency = null;
    this.url = '';
    this.viewport = '';
    this.progress = null;
    this.awaiting = false;
    this.resumptions = 0;
    this.reached = false;
    this.setPhase({ state: 'connecting' });
    try {
      await this.updateComplete; // the view is rendered: the mirror goes into it
      const session = await startViewing({
        container: this.view!,
        transport,
        signaling,
        invitation,
        secret,
        rtc: pick('rtc'),
        mirror: {
          scale: 'fit', // 'actual' is 'fit' to a view as wide as the sharer's viewport (see layout())
          resourceOrigins,
        },
      });
      // nothing to do inside the mirror with a keyboard: Tab should not wander into the customer's page
      session.mirror.iframe.tabIndex = -1;
      this.follow(session);
      return session;
    } catch (error) {
      this.view?.replaceChildren();
      this.setPhase({ state: 'ended', reason: 'signaling' });
      throw error;
    } finally {
      this.starting = false;
    }
  }

  /** Ends the session (the customer is told) and fires `cobrowse-end`. Nothing happens without one. */
  stop(): void {
    const session = this.current;
    if (!session || session.state === 'ended') return;
    session.stop();
    this.fire<{ reason: EndReason }>('cobrowse-end', { reason: 'stopped' });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // removed from the page: nobody is looking, so nobody should be receiving the customer's page.
    // A move (removed and added back in the same task) is not a removal.
    queueMicrotask(() => {
      if (!this.isConnected) this.stop();
    });
  }

  private get view(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('[part~="view"]');
  }

  private t(key: ViewerKey, values?: Record<string, string | number>): string {
    return translate(viewerMessages, languageOf(this), key, values);
  }

  private fire<T>(type: string, detail: T): void {
    this.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }));
  }

  private setPhase(change: StateChange | ViewerStateDetail): void {
    if (change.state === 'connected') this.reached = true;
    this.phase = change.state;
    this.endReason = change.reason;
    const detail: ViewerStateDetail = change.reason === undefined ? { state: change.state } : { state: change.state, reason: change.reason };
    this.fire<ViewerStateDetail>('cobrowse-state', detail);
  }

  private follow(session: ViewingSession): void {
    this.current = session;
    this.unsubscribe = [
      session.on('state', (change) => {
        this.setPhase(change);
        if (change.state === 'connected') this.startPinging(session);
        else clearInterval(this.pinger);
        if (change.state === 'ended') {
          this.progress = null;
          this.throttle.cancel();
        }
      }),
      session.on('sas', (sas) => {
        this.sas = sas;
        this.fire<string>('cobrowse-sas', sas);
      }),
      session.on('pending', ({ sas }) => {
        this.awaiting = true;
        this.fire<{ sas: string }>('cobrowse-pending', { sas });
      }),
      session.on('resumed', ({ count }) => {
        this.resumptions = count;
        this.fire<{ count: number }>('cobrowse-resumed', { count });
      }),
      session.on('progress', ({ received, total }) => {
        this.progress = received < total ? received / total : null;
      }),
      session.on('latency', (ms) => (this.latency = ms)),
      session.on('frame', ({ snapshot }) => {
        if (snapshot) this.progress = null;
        this.awaiting = false;
        this.url = session.mirror.url;
        this.layout();
      }),
    ];
    // the session may have moved on while startViewing resolved
    if (session.state !== this.phase) this.setPhase({ state: session.state });
    if (session.sas && !this.sas) this.sas = session.sas;
    if (session.awaitingApproval) this.awaiting = true;
    if (session.state === 'connected') this.startPinging(session);
  }

  private unfollow(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    clearInterval(this.pinger);
    this.throttle.cancel();
  }

  private startPinging(session: ViewingSession): void {
    clearInterval(this.pinger);
    session.ping(); // at once: the agent sees a number as soon as the page is there
    this.pinger = setInterval(() => session.ping(), PING_MS);
  }

  /**
   * `fit`: the view is as wide as the element and the mirror scales to it. `actual`: the view is
   * exactly as wide as the sharer's viewport, so the mirror's fit is 1:1 and the stage scrolls. The
   * Mirror's own ResizeObserver does the rest, the same code path for both.
   */
  private layout(): void {
    const view = this.view;
    const vp = this.current?.mirror.viewport;
    const width = this.scale === 'actual' && vp ? `${vp.width}px` : '';
    const ratio = vp && vp.width && vp.height ? `${vp.width} / ${vp.height}` : '';
    const key = `${width} ${ratio}`;
    if (!view || key === this.viewport) return;
    this.viewport = key;
    view.style.width = width;
    view.style.aspectRatio = ratio;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('scale')) this.layout();
  }

  private mirrorPoint(e: MouseEvent): { x: number; y: number } | null {
    const session = this.current;
    if (!session || session.state !== 'connected') return null;
    return toSharerViewport(e.clientX, e.clientY, session.mirror.iframe, session.mirror.viewport);
  }

  private sendPointer(clientX: number, clientY: number): void {
    const session = this.current;
    if (!session || session.state !== 'connected') return;
    const p = toSharerViewport(clientX, clientY, session.mirror.iframe, session.mirror.viewport);
    if (p) session.pointer(p.x, p.y);
  }

  private onPointerMove(e: PointerEvent): void {
    if (this.current?.state === 'connected') this.throttle.push(e.clientX, e.clientY);
  }

  private onClick(e: MouseEvent): void {
    const p = this.mirrorPoint(e);
    if (p) this.current!.click(p.x, p.y);
  }

  private message() {
    switch (this.phase) {
      case 'idle':
        return html`<strong>${this.t('waiting')}</strong> <span>${this.t('waitingHint')}</span>`;
      case 'connecting':
        if (this.awaiting && this.sas) {
          return html`<strong>${this.t('awaitingApproval')}</strong> <span>${this.t('awaitingHint', { code: this.sas })}</span>`;
        }
        return this.url ? nothing : html`<strong>${this.t('connecting')}</strong>`;
      case 'ended':
        return html`<strong>${this.t('ended')}</strong> <span>${this.t(endedMessage(this.endReason, this.reached), { reason: this.endReason ?? '' })}</span>`;
      default:
        return nothing;
    }
  }

  protected override render() {
    const state = this.phase;
    const active = state === 'connecting' || state === 'connected' || state === 'reconnecting';
    const message = this.message();
    return html`<div part="bar">
        <span part="status" role="status" aria-live="polite" aria-atomic="true">
          <span part="state" data-state=${state}>${state === 'connecting' && this.awaiting ? this.t('awaiting') : this.t(state)}</span>
          ${active && this.sas
            ? html` <span part="code-label">${this.t('code')}</span> <span part="code" title=${this.t('codeHint')}>${this.sas}</span>`
            : nothing}
        </span>
        ${active && this.url ? html`<span part="page" title=${this.url}>${this.t('page', { page: shortUrl(this.url) })}</span>` : nothing}
        ${active && this.resumptions ? html`<span part="resumed">${this.t('resumedNote', { count: this.resumptions })}</span>` : nothing}
        ${state === 'connected' && this.latency !== null
          ? html`<span part="latency">${this.t('latency', { ms: Math.round(this.latency) })}</span>`
          : nothing}
        <button type="button" part="end-button" ?disabled=${!active} @click=${this.stop}>${this.t('end')}</button>
      </div>
      ${this.progress !== null
        ? html`<progress part="progress" max="1" .value=${this.progress} aria-label=${this.t('loading')}></progress>`
        : nothing}
      <div part="stage">
        <div part="view" role="group" aria-label=${this.t('view')} @pointermove=${this.onPointerMove} @click=${this.onClick}></div>
        <div part="message" aria-live="polite" ?hidden=${message === nothing}>${message}</div>
      </div>`;
  }
}

/** `https://shop.example/checkout?step=2` → `shop.example/checkout`: where, without the query's noise. */
export function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? `${u.host}${u.pathname}` : url;
  } catch {
    return url;
  }
}

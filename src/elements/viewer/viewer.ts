/**
 * `<cobrowse-viewer>`: the agent's view of the customer's page, with what the agent needs around it —
 * the connection state, the six-digit code to read out, where the customer is, the latency, and
 * End session.
 *
 * The element starts the session itself (`startViewing` needs a container, and the container is in
 * this element's shadow root): give it what the chat delivered and call `start()`:
 *
 *   viewer.signaling = () => createPeerJsSignaling({ url, id, token }); // or any SignalingAdapter
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
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { checkResourceOrigins } from '../../mirror/resources.js';
import { startViewing, type ViewingSession } from '../../session/viewing.js';
import type { EndReason, Invitation, SignalingSource } from '../../session/types.js';
import type { Transport } from '../../transport/transport.js';
import { languageOf, translate } from '../i18n.js';
import { viewerStrings } from '../strings/viewer.js';
import { FrameThrottle, toSharerViewport } from './pointer.js';
import { clickAction, keyAction, scrollAction } from './control-input.js';
import { ViewerPen } from './pen.js';
import { describeState, renderBar, renderMessage, type BarActions, type Translate, type ViewerScale } from './status-bar.js';
import { fire, ViewerStatus, type ViewerState } from './status.js';
import { viewerStyles } from './styles.js';

export type { ViewerScale } from './status-bar.js';

/** What `start()` needs: `signaling` + `invitation` (the chat), or `transport` + `secret` (tests, relays). */
export interface ViewerConnection {
  signaling?: SignalingSource | null;
  invitation?: Invitation | null;
  transport?: Transport | null;
  secret?: Uint8Array | string | null;
  rtc?: RTCConfiguration | (() => RTCConfiguration) | null;
}

/**
 * The agent's view of the customer's page: the live mirror, the customer's cursor and clicks, the
 * agent's own pointer sent back as annotations, and a status bar (state, code, page, latency,
 * progress, End session).
 *
 * @tagname cobrowse-viewer
 * @attr scale - `fit` (default: the customer's window scaled into the element's box, keeping its aspect) or `actual` (100 %: 1:1, scrolls)
 * @attr no-cursor - hide the customer's cursor
 * @attr lang - language of the element's strings (`en`, `ja`); inherited from ancestors when absent
 * @fires cobrowse-state - the session's state changed; detail `{ state, reason?, message }` (`message`: the state, or why it ended and what to do next, as the element says it, in its language)
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
 * @csspart latency - the round-trip time, labelled (`data-quality`: good, slow, bad)
 * @csspart viewport - the customer's window: CSS pixels and device pixel ratio ("1280×720 @2x")
 * @csspart presence - live region: the customer's tab is hidden, the customer is idle
 * @csspart customer-hidden - "Customer's tab is hidden"
 * @csspart customer-idle - "Customer is idle"
 * @csspart partial - "Part of the page is not shown": content nested too deep for the view, left out (Mirror.partial)
 * @csspart view-controls - Fit, 100 % and Full screen
 * @csspart fit-button - Fit (`aria-pressed` while on)
 * @csspart actual-button - 100 % (`aria-pressed` while on)
 * @csspart fullscreen-button - Full screen (`aria-pressed` while on; absent where the browser allows none)
 * @csspart resumed - "Reconnected (n×)" after a resumption
 * @csspart end-button - End session
 * @csspart control-button - Ask for control / Asking the customer… / Give back control (`data-control`: none, asking, granted)
 * @csspart control-note - what control allows now, or why it ended
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
 * @cssprop --cobrowse-warn - connecting, reconnecting; a slow latency
 * @cssprop --cobrowse-bad - a bad latency
 */
export class CobrowseViewer extends LitElement {
  static override properties = {
    /**
     * `fit` (default): the customer's window scaled into the element's box (its width, and its height
     * when the element's height is set; with the height free the element takes the window's aspect,
     * so nothing is left empty below). `actual`: 100 %, CSS pixel for CSS pixel, the view scrolls.
     */
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
  };

  static override styles = viewerStyles;

  declare scale: ViewerScale;
  declare noCursor: boolean;
  declare resourceOrigins: string;
  declare signaling: SignalingSource | null;
  declare invitation: Invitation | null;
  declare transport: Transport | null;
  declare secret: Uint8Array | string | null;
  declare rtc: RTCConfiguration | (() => RTCConfiguration) | null;

  readonly #status = new ViewerStatus(this, {
    frame: () => this.#viewportChanged(),
    ended: () => this.#throttle.cancel(),
    describe: (state, reason, reached) => describeState(this.#t, state, reason, reached),
  });
  #starting = false;
  /** The view's last size and aspect ratio, and the customer's viewport it was laid out for. */
  #viewport = '';
  #sharerViewport = '';
  readonly #throttle = new FrameThrottle((x, y) => this.#sendPointer(x, y));
  /** A string in the element's language (its `lang`, inherited, then the document's, the browser's). */
  readonly #t: Translate = (key, values) => translate(viewerStrings, languageOf(this), key, values);
  /** Drawing over the view, both ways. */
  readonly #pen = new ViewerPen(() => this.requestUpdate());
  #unfollowPen: () => void = () => {};
  /** The bar's buttons (one object for every render, so their listeners stay the same). */
  readonly #actions: BarActions = {
    end: () => this.stop(),
    control: () => {
      const session = this.session;
      if (!session) return;
      if (session.control === 'granted') session.releaseControl();
      else if (session.control === 'none') session.requestControl();
    },
    pen: () => {
      this.#pen.on = !this.#pen.on;
      this.#actions.penOn = this.#pen.on;
      this.requestUpdate();
    },
    penOn: false,
    clearInk: () => {
      if (this.session) this.#pen.clear(this.session);
    },
    fit: () => {
      this.scale = 'fit';
    },
    actual: () => {
      this.scale = 'actual';
    },
    scaleNow: 'fit',
    fullScreen: () => void this.#toggleFullScreen(),
    fullScreenOn: false,
    fullScreenAllowed: false,
  };
  /** The stage's size changed (the element resized, full screen): the view fits it again. */
  readonly #resize = typeof ResizeObserver === 'function' ? new ResizeObserver(() => this.#layout()) : null;
  readonly #onFullScreen = () => this.requestUpdate();

  constructor() {
    super();
    this.scale = 'fit';
    this.noCursor = false;
    this.resourceOrigins = 'page';
    this.signaling = this.invitation = this.transport = this.secret = this.rtc = null;
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
    return this.#status.session;
  }

  /** `idle` until `start()`, then the session's state. */
  get state(): ViewerState {
    return this.#status.phase;
  }

  /** Why the session ended, once `state` is `ended`. */
  get reason(): EndReason | undefined {
    return this.#status.reason;
  }

  /**
   * Starts viewing with the element's properties, overridden by `options`. Resolves with the session
   * once it is set up (`session.connected` resolves when the page is shown). Rejects with an
   * InvalidStateError while another session is on, and with the session's error when it cannot start.
   */
  async start(options: ViewerConnection = {}): Promise<ViewingSession> {
    if (this.#starting || (this.session && this.session.state !== 'ended')) {
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
    if (!transport && !(signaling && invitation))
      throw new TypeError('cobrowse-viewer: start() needs signaling and an invitation, or a transport');
    if (secret === undefined) throw new TypeError('cobrowse-viewer: start() needs the invitation secret');
    const resourceOrigins = checkResourceOrigins((this.resourceOrigins || 'page').trim().split(/\s+/));

    this.#starting = true;
    this.#throttle.cancel();
    this.#viewport = this.#sharerViewport = '';
    this.#status.begin();
    try {
      await this.updateComplete; // the view is rendered: the mirror goes into it
      const session = await startViewing({
        container: this.#view!,
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
      this.#status.follow(session);
      this.#unfollowPen();
      this.#unfollowPen = this.#pen.follow(session);
      return session;
    } catch (error) {
      this.#view?.replaceChildren();
      this.#status.failed();
      throw error;
    } finally {
      this.#starting = false;
    }
  }

  /**
   * Back to `idle` after an ended session: its last page and its "ended" sentence leave the view, as
   * when a console asks the customer again and the old ending would read as the new answer. A
   * session that is on is left alone (`stop()` ends it).
   */
  reset(): void {
    if (this.#starting || (this.session && this.session.state !== 'ended')) return;
    this.#view?.replaceChildren();
    this.#status.reset();
  }

  /** Ends the session (the customer is told) and fires `cobrowse-end`. Nothing happens without one. */
  stop(): void {
    const session = this.session;
    if (!session || session.state === 'ended') return;
    session.stop();
    fire<{ reason: EndReason }>(this, 'cobrowse-end', { reason: 'stopped' });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.ownerDocument.addEventListener('fullscreenchange', this.#onFullScreen);
    if (this.#stage) this.#resize?.observe(this.#stage);
  }

  protected override firstUpdated(): void {
    if (this.#stage) this.#resize?.observe(this.#stage);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.ownerDocument.removeEventListener('fullscreenchange', this.#onFullScreen);
    this.#resize?.disconnect();
    // removed from the page: nobody is looking, so nobody should be receiving the customer's page.
    // A move (removed and added back in the same task) is not a removal.
    queueMicrotask(() => {
      if (!this.isConnected) this.stop();
    });
  }

  get #view(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('[part~="view"]');
  }

  get #stage(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('[part~="stage"]');
  }

  /**
   * The stage takes the customer's aspect ratio as its preferred size, so an element whose height is
   * free is exactly as tall as the page needs; an element given a height (or full screen) stretches
   * or shrinks the stage to it. `fit`: the view is the largest box of the customer's aspect inside
   * the stage, centred, a whole number of pixels wide (the mirror scales by the view's width).
   * `actual`: the view is the customer's window at 1:1 and the stage scrolls. The Mirror's own
   * ResizeObserver scales the page to the view: the same code path for both. The stage's size never
   * depends on the view (only on the element and the aspect ratio), so resizing the view cannot
   * notify the stage's ResizeObserver again.
   */
  #layout(): void {
    const view = this.#view;
    const stage = this.#stage;
    if (!view || !stage) return;
    const vp = this.session?.mirror.viewport;
    const [w, h] = vp && vp.width && vp.height ? [vp.width, vp.height] : [4, 3];
    const ratio = `${w} / ${h}`;
    if (stage.style.aspectRatio !== ratio) stage.style.aspectRatio = ratio;
    const box = stage.getBoundingClientRect();
    // a thousandth of a pixel: the stage's height is its width through the same ratio, give or take rounding
    const width = this.scale === 'actual' && vp ? w : Math.max(1, Math.floor(Math.min(box.width, (box.height * w) / h) + 1e-3));
    const key = `${width} ${ratio}`;
    if (key === this.#viewport) return;
    this.#viewport = key;
    view.style.width = `${width}px`;
    view.style.height = `${(width * h) / w}px`;
  }

  /** A frame was applied: laid out again only when it changed the customer's viewport (a frame must not force a layout). */
  #viewportChanged(): void {
    const vp = this.session?.mirror.viewport;
    const key = vp ? `${vp.width}x${vp.height}` : '';
    if (key === this.#sharerViewport) return;
    this.#sharerViewport = key;
    this.#layout();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('scale')) this.#layout();
  }

  /** Full screen on the element itself (the bar stays: End session is never out of reach), or back. */
  async #toggleFullScreen(): Promise<void> {
    try {
      if (this.#isFullScreen) await this.ownerDocument.exitFullscreen();
      else await this.requestFullscreen();
    } catch {
      // refused (no user activation, a frame without allowfullscreen): the button stays as it was
    }
    this.requestUpdate();
  }

  get #isFullScreen(): boolean {
    return (this.getRootNode() as Document | ShadowRoot).fullscreenElement === this;
  }

  #mirrorPoint(e: MouseEvent): { x: number; y: number } | null {
    const session = this.session;
    if (!session || session.state !== 'connected') return null;
    return toSharerViewport(e.clientX, e.clientY, session.mirror.iframe, session.mirror.viewport);
  }

  #sendPointer(clientX: number, clientY: number): void {
    const session = this.session;
    if (!session || session.state !== 'connected') return;
    const p = toSharerViewport(clientX, clientY, session.mirror.iframe, session.mirror.viewport);
    if (!p) return;
    session.pointer(p.x, p.y);
    // under control the page's hover follows the agent's pointer too (once per frame, like the cursor)
    if (session.control === 'granted') session.act({ a: 'move', x: p.x, y: p.y });
  }

  #onPointerMove(e: PointerEvent): void {
    if (this.session?.state !== 'connected') return;
    this.#pen.move(e, this.session);
    this.#throttle.push(e.clientX, e.clientY);
  }

  /** The agent's pointer left the view: a pending move is dropped and the customer's page hides the cursor. */
  #onPointerLeave(): void {
    this.#throttle.cancel();
    if (this.session?.state === 'connected') this.session.pointerOut();
  }

  #onPointerDown(e: PointerEvent): void {
    if (this.session?.state === 'connected') this.#pen.down(e, this.session);
  }

  #onPointerUp(e: PointerEvent): void {
    if (this.session) this.#pen.up(e, this.session);
  }

  #onClick(e: MouseEvent): void {
    if (this.#pen.on) return; // the pen draws: it neither points nor clicks
    const p = this.#mirrorPoint(e);
    if (!p) return;
    const session = this.session!;
    session.click(p.x, p.y);
    if (session.control !== 'granted') return;
    session.act(clickAction(session.mirror, p));
    // keys go where the agent clicked: the view takes the keyboard while the agent controls the page
    (e.currentTarget as HTMLElement).focus({ preventScroll: true });
  }

  /** Under control: keys to the customer's focused field (shortcuts with Ctrl/Meta stay the agent's). */
  #onKeyDown(e: KeyboardEvent): void {
    const session = this.session;
    if (session?.control !== 'granted' || session.state !== 'connected') return;
    const action = keyAction(e);
    if (!action) return;
    e.preventDefault();
    session.act(action);
  }

  /** Under control: the wheel scrolls the customer's page (what is under the pointer), not the agent's. */
  #onWheel(e: WheelEvent): void {
    const session = this.session;
    const p = this.#mirrorPoint(e);
    if (!p || session?.control !== 'granted') return;
    const action = scrollAction(session.mirror, p, e.deltaX, e.deltaY);
    if (!action) return;
    e.preventDefault();
    session.act(action);
  }

  protected override render(): TemplateResult {
    const message = renderMessage(this.#status, this.#t);
    this.#actions.scaleNow = this.scale === 'actual' ? 'actual' : 'fit';
    this.#actions.fullScreenOn = this.#isFullScreen;
    this.#actions.fullScreenAllowed = !!this.ownerDocument.fullscreenEnabled;
    return html`${renderBar(this.#status, this.#t, this.#actions)}
      <div part="stage">
        ${this.#pen.render(this.session, this.renderRoot.querySelector<HTMLElement>('[part~="stage"]'))}
        <div
          part="view"
          role="group"
          aria-label=${this.#t('view')}
          ?data-pen=${this.#pen.on}
          @pointerdown=${this.#onPointerDown}
          @pointerup=${this.#onPointerUp}
          @pointercancel=${this.#onPointerUp}
          @pointermove=${this.#onPointerMove}
          @pointerleave=${this.#onPointerLeave}
          @click=${this.#onClick}
          @keydown=${this.#onKeyDown}
          @wheel=${this.#onWheel}
          tabindex=${this.#status.control === 'granted' ? '0' : '-1'}
        ></div>
        <div part="message" aria-live="polite" ?hidden=${message === nothing}>${message}</div>
      </div>`;
  }
}

/**
 * `<cobrowse-annotations>`: the agent's pointer and clicks, drawn over the customer's real page —
 * pointing, never controlling. A fixed layer over the whole viewport with `pointer-events: none`,
 * so it never takes a click from the customer, and `data-cobrowse-ignore`, so it never comes back
 * to the agent inside the stream. Positions are the session's: this page's viewport CSS pixels.
 *
 *   showAnnotations(session);   // added to the body, removed when the session ends
 */
import { css, html, unsafeCSS, type TemplateResult } from 'lit';
import { CUSTOMER_INK } from '../../session/ink.js';
import { InkStrokes, inkStyles, sendPieces } from '../ink-strokes.js';
import type { SharingSession } from '../../session/sharing.js';
import { SessionElement } from './session-element.js';
import { define } from './shared.js';

interface Point {
  x: number;
  y: number;
}

/** How long a click ripple lives, in ms (the CSS animation's duration). */
const RIPPLE_MS = 600;

/**
 * The agent's cursor and click ripples over the customer's real page: a fixed full-viewport layer
 * that never takes a click (`pointer-events: none`) and is never captured (`data-cobrowse-ignore`).
 *
 * @tagname cobrowse-annotations
 * @csspart cursor - an agent's cursor
 * @csspart ripple - a click ripple
 * @cssprop --cobrowse-cursor-color - cursor color
 * @cssprop --cobrowse-ripple-color - ripple color
 * @cssprop --cobrowse-cursor-smoothing - cursor easing duration
 * @cssprop --cobrowse-annotations-z-index - stacking
 */
export class CobrowseAnnotations extends SessionElement {
  static override properties = {
    session: { attribute: false },
  };

  static override styles = css`
    ${unsafeCSS(inkStyles)}
    :host {
      position: fixed;
      inset: 0;
      pointer-events: none;
      overflow: hidden;
      contain: strict;
      z-index: var(--cobrowse-annotations-z-index, 2147483647);
    }
    /* the customer's pen: the layer takes the pointer while drawing (and only then) */
    :host([drawing]) {
      pointer-events: auto;
      cursor: crosshair;
      touch-action: none;
    }
    [part~='cursor'] {
      position: absolute;
      left: 0;
      top: 0;
      width: 22px;
      height: 22px;
      color: var(--cobrowse-cursor-color, #e5484d);
      filter: drop-shadow(0 1px 2px rgb(0 0 0 / 0.35));
      /* smooth: pointer messages come at the agent's mouse rate, the motion between them is eased */
      transition: transform var(--cobrowse-cursor-smoothing, 90ms) linear;
      will-change: transform;
    }
    [part~='ripple'] {
      position: absolute;
      left: 0;
      top: 0;
      width: 36px;
      height: 36px;
      margin: -18px 0 0 -18px;
      border-radius: 50%;
      border: 3px solid var(--cobrowse-ripple-color, var(--cobrowse-cursor-color, #e5484d));
      box-sizing: border-box;
      animation: ripple ${RIPPLE_MS}ms ease-out forwards;
    }
    @keyframes ripple {
      from {
        scale: 0.3;
        opacity: 1;
      }
      to {
        scale: 1.6;
        opacity: 0;
      }
    }
    @media (prefers-reduced-motion: reduce) {
      [part~='cursor'] {
        transition: none;
      }
      [part~='ripple'] {
        animation: fade ${RIPPLE_MS}ms linear forwards;
      }
      @keyframes fade {
        to {
          opacity: 0;
        }
      }
    }
  `;

  /** One cursor per viewer (an agent and a supervisor each point). */
  readonly #cursors = new Map<string, Point>();
  /** The strokes over the page: the viewers' and the customer's own. */
  readonly #ink = new InkStrokes(() => this.requestUpdate());
  /** The customer's stroke being drawn: its id, and points not sent yet (sent once per animation frame). */
  #stroke: { id: number; unsent: number[]; frame: number } | null = null;
  #strokes = 0;
  readonly #onScroll = () => this.requestUpdate();
  /** The banner's pen and clear buttons (or the site's own) speak through these document events. */
  readonly #onPen = (e: Event) => this.toggleAttribute('drawing', (e as CustomEvent<boolean>).detail);
  readonly #onClearInk = () => {
    this.#ink.clear('customer');
    this.session?.clearInk();
    this.requestUpdate();
  };

  constructor() {
    super();
    this.session = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.setAttribute('aria-hidden', 'true'); // a picture of someone else's pointer: nothing to read
    const win = this.ownerDocument.defaultView;
    win?.addEventListener('scroll', this.#onScroll, { passive: true });
    this.ownerDocument.addEventListener('cobrowse-pen', this.#onPen);
    this.ownerDocument.addEventListener('cobrowse-clear-ink', this.#onClearInk);
    this.addEventListener('pointerdown', this.#down);
    this.addEventListener('pointermove', this.#move);
    this.addEventListener('pointerup', this.#up);
    this.addEventListener('pointercancel', this.#up);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.ownerDocument.defaultView?.removeEventListener('scroll', this.#onScroll);
    this.ownerDocument.removeEventListener('cobrowse-pen', this.#onPen);
    this.ownerDocument.removeEventListener('cobrowse-clear-ink', this.#onClearInk);
  }

  /** A point of the customer's pen, in page coordinates (the viewers draw it where the page is). */
  #pagePoint(e: PointerEvent): [number, number] {
    const win = this.ownerDocument.defaultView!;
    return [Math.round((e.clientX + win.scrollX) * 10) / 10, Math.round((e.clientY + win.scrollY) * 10) / 10];
  }

  readonly #down = (e: PointerEvent): void => {
    if (!this.hasAttribute('drawing') || !this.session) return;
    e.preventDefault();
    this.setPointerCapture?.(e.pointerId);
    this.#stroke = { id: ++this.#strokes, unsent: [], frame: 0 };
    this.#addPoint(e, false);
  };

  readonly #move = (e: PointerEvent): void => {
    if (this.#stroke) this.#addPoint(e, false);
  };

  readonly #up = (e: PointerEvent): void => {
    if (this.#stroke) this.#addPoint(e, true);
  };

  #addPoint(e: PointerEvent, end: boolean): void {
    const stroke = this.#stroke!;
    const [x, y] = this.#pagePoint(e);
    this.#ink.add('customer', CUSTOMER_INK, { id: stroke.id, points: [x, y], ...(end && { end: true }) });
    stroke.unsent.push(x, y);
    this.requestUpdate();
    if (end) {
      cancelAnimationFrame(stroke.frame);
      this.#send(true);
      this.#stroke = null;
    } else if (!stroke.frame) {
      stroke.frame = requestAnimationFrame(() => this.#send(false));
    }
  }

  /** The points drawn since the last send, as one piece (at most one per animation frame; ≤ 256 points a message). */
  #send(end: boolean): void {
    const stroke = this.#stroke;
    if (!stroke || !this.session) return;
    stroke.frame = 0;
    const points = stroke.unsent;
    stroke.unsent = [];
    const session = this.session;
    sendPieces((piece) => session.ink(piece), stroke.id, points, end);
  }

  protected override listen(s: SharingSession): (() => void)[] {
    if (s.state === 'ended') {
      this.remove();
      return [];
    }
    return [
      s.on('pointer', ({ viewer, x, y }) => {
        this.#cursors.set(viewer, { x, y });
        this.requestUpdate();
      }),
      s.on('click', ({ x, y }) => this.#ripple(x, y)),
      s.on('ink', ({ viewer, color, ...piece }) => {
        this.#ink.add(viewer, color, piece);
        this.requestUpdate();
      }),
      s.on('inkclear', ({ viewer }) => {
        this.#ink.clear(viewer);
        this.requestUpdate();
      }),
      s.on('pointerout', ({ viewer }) => {
        this.#cursors.delete(viewer);
        this.requestUpdate();
      }),
      s.on('viewerleft', ({ id }) => {
        this.#cursors.delete(id);
        this.requestUpdate();
      }),
      s.on('state', ({ state }) => {
        if (state === 'ended') this.remove();
      }),
    ];
  }

  protected override forget(): void {
    this.#cursors.clear();
    this.#ink.reset();
  }

  /** A ring that grows and fades where the agent clicked; imperative: it only ever goes away. */
  #ripple(x: number, y: number): void {
    const el = this.ownerDocument.createElement('div');
    el.setAttribute('part', 'ripple');
    // the \`translate\` property, not \`transform\`: the animation's \`scale\` would scale a transform's offset
    el.style.translate = `${x}px ${y}px`;
    this.renderRoot.appendChild(el);
    // a timer, not animationend: a hidden tab or reduced motion may never end the animation
    setTimeout(() => el.remove(), RIPPLE_MS + 50);
  }

  protected override render(): TemplateResult {
    const win = this.ownerDocument.defaultView;
    const ink = this.#ink.size ? this.#ink.render(win?.scrollX ?? 0, win?.scrollY ?? 0) : [];
    return html`${ink.length ? html`<svg part="ink">${ink}</svg>` : ''}${[...this.#cursors].map(
      ([viewer, p]) =>
        html`<svg part="cursor" data-viewer=${viewer} viewBox="0 0 22 22" style="transform: translate(${p.x}px, ${p.y}px)">
          <path d="M2 1 L2 18 L7 13.5 L10.5 21 L13.5 19.7 L10 12.3 L17 12 Z" fill="currentColor" stroke="#fff" stroke-width="1.5" />
        </svg>`,
    )}`;
  }
}

/**
 * Draws the session's annotations over this page until the session ends: a `<cobrowse-annotations>`
 * appended to `parent` (default: the document element, so no body styles move it), returned.
 */
export function showAnnotations(session: SharingSession, parent?: Element): CobrowseAnnotations {
  const el = new CobrowseAnnotations();
  el.session = session;
  (parent ?? document.documentElement).append(el);
  return el;
}

define('cobrowse-annotations', CobrowseAnnotations);

declare global {
  interface HTMLElementTagNameMap {
    'cobrowse-annotations': CobrowseAnnotations;
  }
}

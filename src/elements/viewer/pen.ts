/**
 * Drawing in `<cobrowse-viewer>`: the strokes of the customer and of the other viewers over the view,
 * and the agent's own pen. Strokes are in the customer's PAGE coordinates (ink-strokes.ts): drawn at
 * (point − the mirror's scroll) × the view's scale, so they stay on what they mark as the page scrolls.
 * The agent's strokes go to the customer's page (which shows them in the colour it gives this agent).
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { ViewingSession } from '../../session/viewing.js';
import { InkStrokes, sendPieces } from '../ink-strokes.js';
import { toSharerViewport } from './pointer.js';

/** The agent's own strokes, as it sees them (the customer's page picks the colour the others see). */
const OWN_INK = '#2451c7';

export class ViewerPen {
  /** The pen is on: the view's pointer draws instead of pointing or clicking. */
  on = false;
  readonly #strokes: InkStrokes;
  #stroke: { id: number; unsent: number[]; frame: number } | null = null;
  #ids = 0;

  constructor(private readonly changed: () => void) {
    this.#strokes = new InkStrokes(changed);
  }

  /** Listens to the session's strokes (the customer's and the other viewers'); returns how to stop. */
  follow(session: ViewingSession): () => void {
    const offInk = session.on('ink', ({ by, color, ...piece }) => {
      this.#strokes.add(by, color, piece);
      this.changed();
    });
    const offClear = session.on('inkclear', ({ by }) => {
      this.#strokes.clear(by);
      this.changed();
    });
    return () => {
      offInk();
      offClear();
      this.#strokes.reset();
      this.#stroke = null;
    };
  }

  /** Clears the agent's strokes here and on the customer's page. */
  clear(session: ViewingSession): void {
    this.#strokes.clear('self');
    session.clearInk();
    this.changed();
  }

  down(e: PointerEvent, session: ViewingSession): void {
    if (!this.on) return;
    e.preventDefault();
    (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
    this.#stroke = { id: ++this.#ids, unsent: [], frame: 0 };
    this.#add(e, session, false);
  }

  move(e: PointerEvent, session: ViewingSession): void {
    if (this.#stroke) this.#add(e, session, false);
  }

  up(e: PointerEvent, session: ViewingSession): void {
    if (this.#stroke) this.#add(e, session, true);
  }

  #add(e: PointerEvent, session: ViewingSession, end: boolean): void {
    const stroke = this.#stroke!;
    const p = pagePoint(e, session);
    if (p) {
      this.#strokes.add('self', OWN_INK, { id: stroke.id, points: p, ...(end && { end: true }) });
      stroke.unsent.push(...p);
      this.changed();
    }
    if (end) {
      cancelAnimationFrame(stroke.frame);
      this.#send(session, true);
      this.#stroke = null;
    } else if (!stroke.frame) {
      stroke.frame = requestAnimationFrame(() => this.#send(session, false));
    }
  }

  /** The points since the last send, as one piece (one per animation frame; ≤ 256 points a message). */
  #send(session: ViewingSession, end: boolean): void {
    const stroke = this.#stroke;
    if (!stroke) return;
    stroke.frame = 0;
    const points = stroke.unsent;
    stroke.unsent = [];
    sendPieces((piece) => session.ink(piece), stroke.id, points, end);
  }

  /** The strokes over the mirror, in the coordinates of `stage` (the view's positioned parent). */
  render(session: ViewingSession | null, stage: HTMLElement | null): TemplateResult | typeof nothing {
    const mirror = session?.mirror;
    if (!this.#strokes.size || !mirror?.viewport?.width || !stage) return nothing;
    const box = mirror.iframe.getBoundingClientRect();
    const at = stage.getBoundingClientRect();
    const scale = box.width / mirror.viewport.width;
    const root = mirror.document?.scrollingElement;
    const dx = box.left - at.left + stage.scrollLeft;
    const dy = box.top - at.top + stage.scrollTop;
    return html`<svg part="ink" aria-hidden="true">
      <g transform="translate(${dx} ${dy})">${this.#strokes.render(root?.scrollLeft ?? 0, root?.scrollTop ?? 0, scale)}</g>
    </svg>`;
  }
}

/** A point over the view in the customer's page coordinates (its viewport point + the mirror's scroll). */
function pagePoint(e: PointerEvent, session: ViewingSession): [number, number] | null {
  const mirror = session.mirror;
  const p = toSharerViewport(e.clientX, e.clientY, mirror.iframe, mirror.viewport);
  if (!p) return null;
  const root = mirror.document?.scrollingElement;
  return [Math.round((p.x + (root?.scrollLeft ?? 0)) * 10) / 10, Math.round((p.y + (root?.scrollTop ?? 0)) * 10) / 10];
}

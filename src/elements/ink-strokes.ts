/**
 * Strokes drawn over the shared page (both sides draw them: `<cobrowse-annotations>` on the
 * customer's page, `<cobrowse-viewer>` over the mirror). Points are the sharer's PAGE coordinates, so a
 * stroke stays on what it marks: it is drawn at (point − the page's scroll) × the view's scale. A
 * finished stroke fades and goes FADE_MS after its last point; `clear(author)` takes one author's away.
 */
import { svg, type TemplateResult } from 'lit';
import type { InkStroke } from '../session/types.js';

/** How long a finished stroke stays (its last second, fading). */
export const INK_FADE_MS = 5000;

interface Stroke {
  author: string;
  color: string;
  points: number[];
  /** performance.now() of its last piece, once it ended. */
  ended: number | null;
}

export class InkStrokes {
  readonly #strokes = new Map<string, Stroke>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** `changed` is called when a stroke fades out (the owner re-renders). */
  constructor(private readonly changed: () => void) {}

  /** A piece of `author`'s stroke `piece.id` (its points continue the stroke). */
  add(author: string, color: string, piece: InkStroke): void {
    const key = `${author}\u0000${piece.id}`;
    let stroke = this.#strokes.get(key);
    if (!stroke) this.#strokes.set(key, (stroke = { author, color, points: [], ended: null }));
    for (const v of piece.points) stroke.points.push(v);
    if (piece.end) {
      stroke.ended = performance.now();
      this.#schedule();
    }
  }

  clear(author: string): void {
    for (const [key, s] of this.#strokes) if (s.author === author) this.#strokes.delete(key);
  }

  /** Everything goes (the session ended). */
  reset(): void {
    this.#strokes.clear();
    clearTimeout(this.#timer);
  }

  get size(): number {
    return this.#strokes.size;
  }

  /** The strokes as SVG paths in view coordinates: (page point − scroll) × scale. */
  render(scrollX: number, scrollY: number, scale = 1): TemplateResult[] {
    const now = performance.now();
    const out: TemplateResult[] = [];
    for (const s of this.#strokes.values()) {
      const p = s.points;
      if (p.length < 2) continue;
      let d = '';
      for (let i = 0; i + 1 < p.length; i += 2)
        d += `${i ? 'L' : 'M'}${((p[i]! - scrollX) * scale).toFixed(1)} ${((p[i + 1]! - scrollY) * scale).toFixed(1)}`;
      // a single point is a dot: a zero-length line with round caps
      if (p.length === 2) d += 'l0 0';
      const fading = s.ended !== null && now - s.ended > INK_FADE_MS - 1000;
      out.push(svg`<path part="stroke" data-author=${s.author} d=${d} stroke=${s.color} ?data-fading=${fading}></path>`);
    }
    return out;
  }

  /** Removes strokes past their time, and wakes up for the next one. */
  #schedule(): void {
    clearTimeout(this.#timer);
    let next = Infinity;
    const now = performance.now();
    for (const [key, s] of this.#strokes) {
      if (s.ended === null) continue;
      const due = s.ended + INK_FADE_MS;
      if (due <= now) this.#strokes.delete(key);
      else next = Math.min(next, due, s.ended + INK_FADE_MS - 1000 > now ? s.ended + INK_FADE_MS - 1000 : due);
    }
    if (next !== Infinity) this.#timer = setTimeout(() => (this.#schedule(), this.changed()), next - now + 1);
  }
}

/**
 * Sends one stroke's points drawn since the last send as pieces of at most 256 points (the session
 * refuses longer ones); `end` marks the last piece, sent even when no point is left.
 */
export function sendPieces(ink: (piece: InkStroke) => void, id: number, points: number[], end: boolean): void {
  for (let i = 0; i < points.length || (end && i === 0); i += 512) {
    const last = i + 512 >= points.length;
    ink({ id, points: points.slice(i, i + 512), ...(end && last && { end: true }) });
  }
}

/** The SVG layer's styles: round strokes, a fade for the last second. */
export const inkStyles = `
  [part~='ink'] { position: absolute; inset: 0; width: 100%; height: 100%; overflow: visible; pointer-events: none; }
  [part~='stroke'] { fill: none; stroke-width: 4px; stroke-linecap: round; stroke-linejoin: round; opacity: 0.9; }
  [part~='stroke'][data-fading] { transition: opacity 1s linear; opacity: 0; }
`;

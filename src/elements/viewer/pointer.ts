/**
 * The agent's own pointer over the view, sent to the sharer as annotations (the customer sees where
 * the agent points and clicks; nothing is ever clicked on the customer's page).
 *
 * Coordinates: the session speaks the sharer's *viewport* CSS pixels (what the customer's annotation
 * layer draws in, `position: fixed`). The mirror iframe is exactly the sharer's viewport, scaled by a
 * CSS transform, and the sharer's document scroll is reproduced *inside* it, so a point in the
 * viewport is the point over the iframe divided by the scale: the sharer's scroll never enters the
 * sum. The iframe's bounding box already includes our own scrolling (the `actual` mode scrolls the
 * view), so it is read at the moment of the event, never cached.
 */

export interface Point {
  x: number;
  y: number;
}

/**
 * A point in this page's client coordinates → the sharer's viewport CSS pixels, or null when it is
 * not over the mirrored viewport (or the viewport is not known yet).
 */
export function toSharerViewport(
  clientX: number,
  clientY: number,
  iframe: Element,
  viewport: { width: number; height: number } | null,
): Point | null {
  if (!viewport || !viewport.width) return null;
  const box = iframe.getBoundingClientRect();
  const scale = box.width / viewport.width;
  if (!(scale > 0)) return null;
  const x = (clientX - box.left) / scale;
  const y = (clientY - box.top) / scale;
  if (x < 0 || y < 0 || x > viewport.width || y > viewport.height) return null;
  // a tenth of a CSS pixel is finer than anyone points; shorter numbers on the wire
  return { x: Math.round(x * 10) / 10, y: Math.round(y * 10) / 10 };
}

/**
 * Calls `send` with the latest pointer position at most once per animation frame: a 1000 Hz mouse
 * would otherwise send 1000 messages a second that the customer's display could never show.
 */
export class FrameThrottle {
  #latest: { x: number; y: number } | null = null;
  #frame = 0;

  constructor(private readonly send: (clientX: number, clientY: number) => void) {}

  push(clientX: number, clientY: number): void {
    this.#latest = { x: clientX, y: clientY };
    if (!this.#frame) this.#frame = requestAnimationFrame(() => this.#flush());
  }

  cancel(): void {
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    this.#latest = null;
  }

  #flush(): void {
    this.#frame = 0;
    const p = this.#latest;
    this.#latest = null;
    if (p) this.send(p.x, p.y);
  }
}

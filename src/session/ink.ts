/**
 * Drawing over the page, both ways (issue 16): strokes in the sharer's PAGE coordinates (CSS pixels
 * of its top document, scroll included), so they stay on what they mark as either side scrolls. A
 * viewer's strokes reach the customer's page (the `ink` event) and the other viewers; the customer's
 * reach every viewer. Each author draws in its own colour, given here: by the customer's page, never
 * taken from a viewer. Strokes are drawn by the elements, never captured into the page.
 */
import type { Emit } from './events.js';
import { controlMessage } from './messages.js';
import type { InkStroke, SharingEvents } from './types.js';

/** The customer's colour, and the viewers' in the order they first draw. */
export const CUSTOMER_INK = '#e65100';
const VIEWER_INK = ['#1565c0', '#2e7d32', '#6a1b9a', '#c2185b', '#00838f', '#5d4037'];

/** Who receives a relayed stroke: every approved viewer's channel but the author's. */
export interface InkPeers {
  send(message: Uint8Array, except: string | null): void;
}

export class InkRelay {
  readonly #colors = new Map<string, string>();

  constructor(
    private readonly peers: InkPeers,
    private readonly emit: Emit<SharingEvents>,
  ) {}

  /** A viewer's stroke (already rate-limited and validated): shown on this page, relayed to the others. */
  fromViewer(viewer: string, stroke: InkStroke): void {
    const color = this.colorOf(viewer);
    this.emit('ink', { viewer, color, ...stroke });
    this.peers.send(
      controlMessage({ t: 'ink', by: viewer, c: color, s: stroke.id, p: stroke.points, ...(stroke.end && { end: true }) }),
      viewer,
    );
  }

  /** A viewer cleared its strokes. */
  clearFromViewer(viewer: string): void {
    this.emit('inkclear', { viewer });
    this.peers.send(controlMessage({ t: 'ink-clear', by: viewer }), viewer);
  }

  /** The customer's own stroke, for every viewer. */
  fromCustomer(stroke: InkStroke): void {
    this.peers.send(
      controlMessage({ t: 'ink', by: 'customer', c: CUSTOMER_INK, s: stroke.id, p: stroke.points, ...(stroke.end && { end: true }) }),
      null,
    );
  }

  clearFromCustomer(): void {
    this.peers.send(controlMessage({ t: 'ink-clear', by: 'customer' }), null);
  }

  /** A viewer's colour: fixed at its first stroke, for the rest of the session. */
  colorOf(viewer: string): string {
    let color = this.#colors.get(viewer);
    if (!color) {
      color = VIEWER_INK[this.#colors.size % VIEWER_INK.length]!;
      this.#colors.set(viewer, color);
    }
    return color;
  }
}

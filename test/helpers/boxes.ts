// Element boxes, sharer against mirror: where each element of the customer's page is laid out, and where
// its counterpart is in the agent's view. compareDocuments compares structure, text, state and the
// computed styles of a sample; a layout shift (an image the customer has not loaded, text that wraps
// differently) changes none of those but moves everything below it, and remote-control clicks miss.
import { mirrorOf, type Session } from './harness.js';

const SIDES = ['x', 'y', 'width', 'height'] as const;

/** Elements of body (and body) whose box differs by more than `tolerance` px from the mirror's. */
export function boxDiffs(s: Session, tolerance = 1): string[] {
  const out: string[] = [];
  const body = s.doc.body;
  for (const el of [body, ...Array.from(body.querySelectorAll('*'))]) {
    const m = mirrorOf(s, el);
    const label = `${el.localName}${el.id ? `#${el.id}` : ''}`;
    if (!m) {
      out.push(`${label}: no counterpart in the mirror`);
      continue;
    }
    const a = el.getBoundingClientRect();
    const b = (m as Element).getBoundingClientRect();
    const off = SIDES.filter((k) => Math.abs(a[k] - b[k]) > tolerance);
    if (off.length) out.push(`${label}: ${off.map((k) => `${k} sharer ${a[k].toFixed(1)}, mirror ${b[k].toFixed(1)}`).join('; ')}`);
  }
  return out;
}

/**
 * The agent's input over the view, as remote-control actions, while the customer lets the agent
 * control the page. Points are the customer's viewport CSS pixels (pointer.ts); an element is named by
 * the id it has in the mirror (the customer's page checks that it is still what lies there).
 */
import type { ControlAction } from '../../control/actions.js';
import type { Mirror } from '../../mirror/mirror.js';
import type { Point } from './pointer.js';

/** The mirror's element at a point of the customer's viewport (the mirror document has that viewport). */
function elementAt(mirror: Mirror, p: Point): Element | null {
  return mirror.document?.elementFromPoint(p.x, p.y) ?? null;
}

export function clickAction(mirror: Mirror, p: Point): ControlAction {
  const el = elementAt(mirror, p);
  return { a: 'click', x: p.x, y: p.y, id: el ? mirror.id(el) : 0 };
}

/** A key the customer's page may be sent, or null (shortcuts with Ctrl/Meta stay the agent's). */
export function keyAction(e: KeyboardEvent): ControlAction | null {
  if (e.ctrlKey || e.metaKey || e.isComposing) return null;
  const named = ['Backspace', 'Delete', 'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'Tab', 'Enter', 'Escape'];
  if (!named.includes(e.key) && [...e.key].length !== 1) return null;
  return { a: 'key', key: e.key, shift: e.shiftKey, ctrl: false, alt: e.altKey, meta: false };
}

/** The nearest element under the point that scrolls in the wheel's direction, or the document (id 0). */
export function scrollAction(mirror: Mirror, p: Point, dx: number, dy: number): ControlAction | null {
  const doc = mirror.document;
  const win = doc?.defaultView;
  if (!doc || !win) return null;
  for (let el = elementAt(mirror, p); el && el !== doc.documentElement && el !== doc.body; el = el.parentElement) {
    const style = win.getComputedStyle(el);
    const scrolls = (overflow: string, size: number, client: number) => /(auto|scroll)/.test(overflow) && size > client;
    if (
      (dy && scrolls(style.overflowY, el.scrollHeight, el.clientHeight)) ||
      (dx && scrolls(style.overflowX, el.scrollWidth, el.clientWidth))
    ) {
      return { a: 'scroll', id: mirror.id(el), x: Math.max(0, el.scrollLeft + dx), y: Math.max(0, el.scrollTop + dy) };
    }
  }
  const root = doc.scrollingElement ?? doc.documentElement;
  return { a: 'scroll', id: 0, x: Math.max(0, root.scrollLeft + dx), y: Math.max(0, root.scrollTop + dy) };
}

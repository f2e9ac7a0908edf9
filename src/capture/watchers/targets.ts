// From an event's target to the node the viewer knows: through open shadow roots to the innermost
// target, and up (across shadow roots) to the nearest captured element.
import { ELEMENT_NODE, FRAGMENT_NODE, nodeType, parentNode } from '../../dom/safe-dom.js';

/** The innermost target of an event (inside open shadow roots; a closed root's listener sees its own). */
export function innerTarget(e: Event): EventTarget | null {
  const path = e.composedPath();
  return path.length ? path[0]! : e.target;
}

/** `node` when it is a captured element, else its nearest captured ancestor (across shadow roots), else null. */
export function capturedElement(node: Node | null, id: (n: Node) => number): Element | null {
  let n: Node | null = node;
  while (n) {
    if (nodeType(n) === ELEMENT_NODE && id(n)) return n as Element;
    const p: Node | null = parentNode(n);
    n = p && nodeType(p) === FRAGMENT_NODE && (p as ShadowRoot).host ? (p as ShadowRoot).host : p;
  }
  return null;
}

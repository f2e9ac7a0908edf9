// Small helpers shared by the capture modules: undo lists, per-realm patching, event targets.
import type { CaptureRoot } from '../context.js';
import { addListener, defaultView, localName, nodeType, ownerDocument, parentNode, removeListener } from '../../dom/safe-dom.js';

/** Everything a module must undo on `stop()`, in one list. */
export class Disposer {
  private readonly undo: Array<() => void> = [];
  add(fn: () => void): void {
    this.undo.push(fn);
  }
  /** addEventListener with its removal recorded. */
  listen(target: EventTarget, type: string, fn: (e: Event) => void, capture = true): void {
    const opts: AddEventListenerOptions = { capture, passive: true };
    addListener(target, type, fn, opts);
    this.undo.push(() => removeListener(target, type, fn, opts));
  }
  dispose(): void {
    for (const fn of this.undo.splice(0).reverse()) {
      try {
        fn();
      } catch {
        // a page that broke its own objects must not stop the others from being restored
      }
    }
  }
}

/** The window a root's nodes belong to (same-origin frames have their own prototypes). */
export function windowOf(root: CaptureRoot | Node): (Window & typeof globalThis) | null {
  const doc = nodeType(root) === 9 ? (root as Document) : ownerDocument(root);
  return doc ? defaultView(doc) : null;
}

/**
 * Calls `install(win)` once per realm (window) seen through `rootAdded`: prototypes are per realm, so
 * a same-origin iframe needs its own patches. The returned removers go to the disposer.
 */
export class Realms {
  private readonly seen = new WeakSet<Window>();
  constructor(
    private readonly disposer: Disposer,
    private readonly install: (win: Window & typeof globalThis) => Array<() => void>,
  ) {}
  add(root: CaptureRoot | Node): void {
    const win = windowOf(root);
    if (!win || this.seen.has(win)) return;
    this.seen.add(win);
    for (const undo of this.install(win)) this.disposer.add(undo);
  }
}

/** The innermost target of an event (inside open shadow roots; a closed root's listener sees its own). */
export function innerTarget(e: Event): EventTarget | null {
  const path = e.composedPath();
  return path.length ? path[0]! : e.target;
}

/** `el` when it is captured, else its nearest captured ancestor (across shadow roots), else null. */
export function capturedElement(node: Node | null, id: (n: Node) => number): Element | null {
  let n: Node | null = node;
  while (n) {
    if (nodeType(n) === 1 && id(n)) return n as Element;
    const p: Node | null = parentNode(n);
    n = p && nodeType(p) === 11 && (p as ShadowRoot).host ? (p as ShadowRoot).host : p;
  }
  return null;
}

/** Lower-case local name of an element (works across realms, where `instanceof` does not). */
export function tag(el: Element): string {
  return localName(el);
}

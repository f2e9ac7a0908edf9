// What every watcher is built from: an undo list, per-realm patching, and the base class that keeps
// the context a watcher last saw (to ask for a flush from an event handler) and undoes it all on stop.
import type { CaptureContext, CaptureRoot, CaptureWatcher } from '../context.js';
import { addListener, defaultView, DOCUMENT_NODE, nodeType, ownerDocument, removeListener } from '../../dom/safe-dom.js';

/** Everything a watcher must undo on `stop()`, in one list. */
export class Disposer {
  readonly #undo: Array<() => void> = [];
  add(fn: () => void): void {
    this.#undo.push(fn);
  }
  /** addEventListener with its removal recorded. */
  listen(target: EventTarget, type: string, fn: (e: Event) => void, capture = true): void {
    const opts: AddEventListenerOptions = { capture, passive: true };
    addListener(target, type, fn, opts);
    this.#undo.push(() => removeListener(target, type, fn, opts));
  }
  dispose(): void {
    for (const fn of this.#undo.splice(0).reverse()) {
      try {
        fn();
      } catch {
        // a page that broke its own objects must not stop the others from being restored
      }
    }
  }
}

/**
 * A watcher's common state. Subclasses set `ctx` in the hooks the core calls (`rootAdded`,
 * `snapshot`, `flush`), so event handlers and patches can ask for a flush; after `stop()` they cannot.
 */
export abstract class Watcher implements CaptureWatcher {
  protected readonly disposer = new Disposer();
  protected ctx: CaptureContext | null = null;
  /** Asks for a delta frame soon (a no-op before the first hook and after stop). */
  protected readonly request = (): void => this.ctx?.requestFlush();

  abstract snapshot(ctx: CaptureContext): void;
  abstract flush(ctx: CaptureContext): void;

  stop(): void {
    this.disposer.dispose();
    this.ctx = null;
  }
}

/** The window a root's nodes belong to (same-origin frames have their own prototypes). */
export function windowOf(root: CaptureRoot | Node): (Window & typeof globalThis) | null {
  const doc = nodeType(root) === DOCUMENT_NODE ? (root as Document) : ownerDocument(root);
  return doc ? defaultView(doc) : null;
}

/**
 * Calls `install(win)` once per realm (window) seen through `rootAdded`: prototypes are per realm, so
 * a same-origin iframe needs its own patches. The returned removers go to the disposer.
 */
export class Realms {
  readonly #seen = new WeakSet<Window>();
  constructor(
    private readonly disposer: Disposer,
    private readonly install: (win: Window & typeof globalThis) => Array<() => void>,
  ) {}
  add(root: CaptureRoot | Node): void {
    const win = windowOf(root);
    if (!win || this.#seen.has(win)) return;
    this.#seen.add(win);
    for (const undo of this.install(win)) this.disposer.add(undo);
  }
}

// The watchers one capture runs, and the order it calls them in: `elementAdded` goes only to the
// watchers that asked for that tag (or for every element), found with one Map lookup per element.
import type { CaptureContext, CaptureRoot, CaptureWatcher } from './context.js';

export class WatcherSet {
  readonly #byTag = new Map<string, CaptureWatcher[]>();
  /** Watchers with `elementAdded` and no `tags`: called for every element. */
  readonly #everyElement: CaptureWatcher[] = [];

  constructor(
    private readonly watchers: readonly CaptureWatcher[],
    readonly context: CaptureContext,
  ) {
    for (const w of watchers) {
      if (!w.elementAdded) continue;
      if (!w.tags) {
        this.#everyElement.push(w);
        continue;
      }
      for (const tag of w.tags) {
        const list = this.#byTag.get(tag) ?? [];
        list.push(w);
        this.#byTag.set(tag, list);
      }
    }
  }

  rootAdded(root: CaptureRoot): void {
    for (const w of this.watchers) w.rootAdded?.(root, this.context);
  }

  /** An element was written with `id`; `tag` is its local name (already read by the caller). */
  elementAdded(el: Element, tag: string, id: number, snapshot: boolean): void {
    const hooks = this.#byTag.get(tag);
    if (hooks) for (const w of hooks) w.elementAdded!(el, id, this.context, snapshot);
    for (const w of this.#everyElement) w.elementAdded!(el, id, this.context, snapshot);
  }

  snapshot(): void {
    for (const w of this.watchers) w.snapshot(this.context);
  }

  flush(): void {
    for (const w of this.watchers) w.flush(this.context);
  }

  stop(): void {
    for (const w of this.watchers) w.stop();
  }
}

// Pictures the sharer's page has not loaded yet (the UNLOADED element flag): a lazy image below the
// fold, one still on its way. Such an image has no natural size there, so it lays out differently (in
// a flex row it shrinks; with `height: auto` it is shorter) and everything below sits elsewhere. The
// mirror runs no scripts, and without scripts the HTML standard loads even `loading="lazy"` images at
// once: so the mirror holds back their `src` and `srcset` itself until the LOADED op says the page's
// request is over. Kept per element in a WeakMap: a removed image takes its entry with it.

/** The attributes that make an `<img>` load. */
export const HELD_ATTRS = new Set(['src', 'srcset']);

export class HeldImages {
  readonly #held = new WeakMap<Element, Map<string, string>>();

  /** Starts holding back the sources of a new image; returns where they are kept. */
  hold(el: Element): Map<string, string> {
    const kept = new Map<string, string>();
    this.#held.set(el, kept);
    return kept;
  }

  /** An ATTR (value) or ATTR_DEL (null) on an element: true when it was kept back, not applied. */
  attr(el: Element, name: string, value: string | null): boolean {
    const kept = this.#held.get(el);
    if (!kept || !HELD_ATTRS.has(name)) return false;
    if (value === null) kept.delete(name);
    else kept.set(name, value);
    return true;
  }

  /** LOADED: the image may load now; `set` applies each attribute kept back (in the page's order). */
  release(el: Element, set: (name: string, value: string) => void): void {
    const kept = this.#held.get(el);
    if (!kept) return;
    this.#held.delete(el);
    for (const [name, value] of kept) set(name, value);
  }
}

// The focused element: the deepest one, through shadow roots and same-origin frames, that the viewer
// has. focusin/focusout only mark it changed; the flush reads it once.
import type { CaptureContext, CaptureRoot } from '../../context.js';
import { activeElement, localName, shadowRoot } from '../../../dom/safe-dom.js';
import { frameDocument } from '../../ids.js';
import { Watcher } from '../base.js';

export class FocusWatcher extends Watcher {
  #changed = false;
  /** The id last written (0: nothing focused; -1: nothing written yet). */
  #last = -1;

  readonly #onFocus = () => {
    this.#changed = true;
    this.request();
  };

  rootAdded(root: CaptureRoot, c: CaptureContext): void {
    this.ctx = c;
    this.disposer.listen(root, 'focusin', this.#onFocus);
    this.disposer.listen(root, 'focusout', this.#onFocus);
  }

  snapshot(c: CaptureContext): void {
    this.ctx = c;
    const id = focusedId(c);
    this.#last = id;
    if (id) c.encoder.focus(id);
  }

  flush(c: CaptureContext): void {
    this.ctx = c;
    if (!this.#changed) return;
    this.#changed = false;
    const id = focusedId(c);
    if (id === this.#last) return;
    this.#last = id;
    c.encoder.focus(id);
  }
}

/** The deepest focused element, through shadow roots and same-origin frames, that is captured; 0 for none. */
export function focusedId(c: CaptureContext): number {
  let el: Element | null = activeElement(c.document);
  let deepest: Element | null = null;
  for (let guard = 0; el && guard < 1000; guard++) {
    if (c.id(el)) deepest = el;
    const inner: Element | null =
      shadowActiveOf(el) ?? (localName(el) === 'iframe' || localName(el) === 'frame' ? frameActiveOf(el as HTMLIFrameElement) : null);
    if (!inner || inner === el) break;
    el = inner;
  }
  // body (or nothing) focused means no field has focus
  if (!deepest || localName(deepest) === 'body' || localName(deepest) === 'html') return 0;
  return c.id(deepest);
}

function shadowActiveOf(el: Element): Element | null {
  const sr = shadowRoot(el);
  return sr ? activeElement(sr) : null;
}

function frameActiveOf(frame: HTMLIFrameElement): Element | null {
  const doc = frameDocument(frame);
  return doc ? activeElement(doc) : null;
}

// Dialog top-layer state (closed, open, modal): the viewer's copy cannot call showModal() from an
// attribute. show/showModal/close are patched in each realm; the `close` event (which does not
// bubble) covers closing by form submission and the Escape key.
import { DialogState } from '../../../protocol/constants.js';
import type { CaptureContext, CaptureRoot } from '../../context.js';
import { afterMethod } from '../../patches.js';
import { ELEMENT_NODE, localName, matches, nodeType } from '../../../dom/safe-dom.js';
import { Realms, Watcher } from '../base.js';
import { innerTarget } from '../targets.js';

export class DialogWatcher extends Watcher {
  readonly tags = ['dialog'];
  /** Dialogs to write at the next frame. */
  readonly #changed = new Set<HTMLDialogElement>();
  /** The state last written per dialog. */
  readonly #last = new WeakMap<Element, DialogState>();

  readonly #mark = (el: unknown) => {
    const t = el as Element | null;
    if (!t || nodeType(t) !== ELEMENT_NODE || localName(t) !== 'dialog') return;
    this.#changed.add(t as HTMLDialogElement);
    this.request();
  };
  readonly #onClose = (e: Event) => this.#mark(innerTarget(e));

  readonly #realms = new Realms(this.disposer, (win) => {
    const D = win.HTMLDialogElement?.prototype;
    return D ? (['show', 'showModal', 'close'] as const).map((m) => afterMethod(D, m, this.#mark)) : [];
  });

  rootAdded(root: CaptureRoot, c: CaptureContext): void {
    this.ctx = c;
    this.#realms.add(root);
    this.disposer.listen(root, 'close', this.#onClose);
  }

  elementAdded(el: Element): void {
    this.#changed.add(el as HTMLDialogElement);
  }

  snapshot(c: CaptureContext): void {
    this.ctx = c;
    this.#realms.add(c.document);
    // at a snapshot the viewer's new dialogs are closed: only open ones need saying
    for (const el of this.#changed) this.#write(c, el, true);
    this.#changed.clear();
  }

  flush(c: CaptureContext): void {
    this.ctx = c;
    for (const el of this.#changed) this.#write(c, el, false);
    this.#changed.clear();
  }

  override stop(): void {
    super.stop();
    this.#changed.clear();
  }

  #write(c: CaptureContext, el: HTMLDialogElement, snapshot: boolean): void {
    const id = c.id(el);
    if (!id) return;
    const state = dialogState(el);
    if (snapshot ? state === DialogState.Closed : this.#last.get(el) === state) return;
    this.#last.set(el, state);
    c.encoder.dialog(id, state);
  }
}

export function dialogState(el: HTMLDialogElement): DialogState {
  if (!el.open) return DialogState.Closed;
  try {
    return matches(el, ':modal') ? DialogState.Modal : DialogState.Open;
  } catch {
    return DialogState.Open; // a browser without :modal
  }
}

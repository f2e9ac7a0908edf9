// The mirror's documents: the top one in the sandboxed iframe and one per mirrored frame. Each is
// (re)opened with the sharer's compat mode and the resource policy, guarded against submits and
// navigation, and kept when its <iframe> moves (the browser would give it a fresh about:blank).
import * as dom from '../dom/safe-dom.js';
import type { DocumentMode } from '../protocol/types.js';
import { modeMarkup } from './build.js';
import type { NodeMap } from './nodes.js';
import { policyMarkup } from './resources.js';
import { dropHeld, moveHeld } from './depth.js';

export class MirrorDocuments {
  /** The compat mode each mirror document was opened with (to reopen a moved frame's document). */
  #modes = new WeakMap<Document, DocumentMode>();
  /** The Content-Security-Policy of every mirror document: fixed when the first one is opened. */
  #policy: string | null = null;
  /** Nodes moved in the current frame: an <iframe> among them may have lost its document. */
  #movedNodes: Node[] = [];

  constructor(
    /** The node map of the page shown (a new snapshot brings a new one). */
    private readonly currentMap: () => NodeMap,
    private readonly iframe: HTMLIFrameElement,
    /** The policy for the page being mirrored (called once, when the first document opens). */
    private readonly makePolicy: () => string,
    /** A resource finished loading in a mirror document: scroll positions are applied again. */
    private readonly onLoad: () => void,
  ) {}

  private get map(): NodeMap {
    return this.currentMap();
  }

  /** Records a node moved by the frame being applied (see rehomeFrames). */
  moved(node: Node): void {
    this.#movedNodes.push(node);
  }

  /**
   * Reopens a document with a doctype that makes the parser give it the sharer's compat mode (the
   * DOCUMENT node's `mode`: a srcdoc page without doctype is no-quirks), then empties it (that doctype
   * included). `open()` also drops every listener, so the guards are installed again.
   */
  #reopen(doc: Document, mode: DocumentMode): Document {
    this.#modes.set(doc, mode);
    if (dom.defaultView(doc)) {
      (Document.prototype.open as (this: Document) => Document).call(doc);
      // the policy is parsed before anything else arrives; a policy stays with its document for good
      // (removing the <meta> below does not lift it), so every later load in it is checked
      Document.prototype.write.call(doc, modeMarkup(mode) + policyMarkup(this.#resourcePolicy()));
      Document.prototype.close.call(doc);
    }
    for (let c = dom.firstChild(doc); c; c = dom.firstChild(doc)) dom.removeChild(doc, c);
    this.guard(doc);
    return doc;
  }

  /**
   * Fixed on first use: a Document keeps every policy it was ever given, so a later, wider policy
   * could not take effect anyway, and a narrower one would only break images the agent already saw.
   */
  #resourcePolicy(): string {
    this.#policy ??= this.makePolicy();
    return this.#policy;
  }

  openTop(mode: DocumentMode): Document {
    const doc = dom.contentDocument(this.iframe) ?? document.implementation.createHTMLDocument('');
    return this.#reopen(doc, mode);
  }

  /**
   * The document a new top document's nodes are made in (see TopBuild), while the old page is still
   * shown in it. Opened first if it never was: the iframe's initial document has no resource policy.
   */
  topOwner(): Document {
    const doc = dom.contentDocument(this.iframe);
    if (!doc) return document.implementation.createHTMLDocument('');
    return this.#modes.has(doc) ? doc : this.#reopen(doc, 'no-quirks');
  }

  openFrame(iframe: Element, mode: DocumentMode): Document {
    const live = dom.isHtml(iframe, 'iframe') && dom.isConnected(iframe) ? dom.contentDocument(iframe as HTMLIFrameElement) : null;
    // a frame without a window (inside a template, or a <frame>) gets a detached document
    const doc = live ?? dom.implementation(dom.ownerDocument(iframe)!).createHTMLDocument('');
    const old = this.map.docOf.get(iframe);
    if (old && this.map.frameOf.get(old) === iframe) this.map.frameOf.delete(old);
    else this.map.frames++;
    this.map.frameOf.set(doc, iframe);
    this.map.docOf.set(iframe, doc);
    dropHeld(this.map, doc); // what it held belongs to the page it had (released with it)
    return this.#reopen(doc, mode);
  }

  /**
   * An `<iframe>` that was moved without `moveBefore` lost its document (the browser reloads it as
   * about:blank). Its old document still holds the mirrored nodes: move them into the new one, so every
   * id inside stays valid.
   */
  rehomeFrames(): void {
    const moved = this.#movedNodes;
    this.#movedNodes = [];
    if (!this.map.frames) return;
    for (const root of moved) {
      for (const n of this.map.walk(root)) {
        if (dom.nodeType(n) !== dom.ELEMENT_NODE) continue;
        const old = this.map.docOf.get(n as Element);
        if (!old || !dom.isHtml(n, 'iframe')) continue;
        const now = dom.contentDocument(n as HTMLIFrameElement);
        if (!now || now === old) continue;
        const id = this.map.id(old);
        this.#reopen(now, this.#modes.get(old) ?? 'no-quirks');
        for (let c = dom.firstChild(old); c; c = dom.firstChild(old)) dom.insertBefore(now, c, null);
        moveHeld(this.map, old, now);
        this.map.frameOf.delete(old);
        this.map.frameOf.set(now, n as Element);
        this.map.docOf.set(n as Element, now);
        if (id > 0) this.map.set(id, now);
      }
    }
  }

  /**
   * Guards installed from the viewer's realm on every mirror document and shadow root (defence in depth
   * behind the sandbox): no form submits, no link follows, and resource loads re-apply scroll positions.
   */
  guard(target: Document | ShadowRoot): void {
    const stop = (e: Event) => e.preventDefault();
    dom.addListener(target, 'submit', stop);
    dom.addListener(target, 'click', stop);
    dom.addListener(target, 'auxclick', stop);
    dom.addListener(target, 'DOMActivate', stop);
    dom.addListener(target, 'load', () => this.onLoad());
  }
}

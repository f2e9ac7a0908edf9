// Clobber-proof reads that only the capture needs, in the style of src/dom/safe-dom.ts (see the
// reason there: `<img name="baseURI">` shadows `document.baseURI`, `<input name="scrollTop">` shadows
// `form.scrollTop`). The platform's getters and methods are taken once, at module load, from this
// realm's prototypes; they accept nodes of any same-origin realm.
import { DOCUMENT_NODE, ELEMENT_NODE, FRAGMENT_NODE, getter, nodeType } from '../dom/safe-dom.js';

const N = Node.prototype;
const D = Document.prototype;

/** The URL of a document (its META). */
export const documentURL = getter<Document, string>(D, 'URL');
/** A node's base URL (a document's: what relative URLs in it resolve against). */
export const baseURI = getter<Node, string>(N, 'baseURI');
export const compatMode = getter<Document, string>(D, 'compatMode');
export const doctype = getter<Document, DocumentType | null>(D, 'doctype');
export const scrollTop = getter<Element, number>(Element.prototype, 'scrollTop');
export const scrollLeft = getter<Element, number>(Element.prototype, 'scrollLeft');
export const formElements = getter<HTMLFormElement, HTMLFormControlsCollection>(HTMLFormElement.prototype, 'elements');
export { boundingRect } from '../dom/safe-dom.js';

export { rootNode } from '../dom/safe-dom.js';

const docQueryAll = D.querySelectorAll;
const fragmentQueryAll = DocumentFragment.prototype.querySelectorAll;
const elementQueryAll = Element.prototype.querySelectorAll;
/** `querySelectorAll` of a document, fragment (shadow root) or element; nothing for other nodes. */
export function queryAll(root: Node, selector: string): ArrayLike<Element> {
  switch (nodeType(root)) {
    case DOCUMENT_NODE:
      return docQueryAll.call(root, selector);
    case FRAGMENT_NODE:
      return fragmentQueryAll.call(root, selector);
    case ELEMENT_NODE:
      return elementQueryAll.call(root, selector);
    default:
      return [];
  }
}

/** 'quirks' / 'limited-quirks' / 'no-quirks' of a document (compatMode alone cannot tell limited). */
export function documentMode(doc: Document): 'no-quirks' | 'quirks' | 'limited-quirks' {
  if (compatMode(doc) === 'BackCompat') return 'quirks';
  const dt = doctype(doc);
  // limited-quirks: the XHTML 1.0 / HTML 4.01 transitional and frameset public ids
  if (
    dt &&
    /^-\/\/W3C\/\/DTD (XHTML 1\.0 (Transitional|Frameset)|HTML 4\.01 (Transitional|Frameset))\/\//i.test(dt.publicId) &&
    (dt.systemId || /XHTML/i.test(dt.publicId))
  ) {
    return 'limited-quirks';
  }
  return 'no-quirks';
}

// Clobber-proof DOM access, for both ends. A page is a stranger's markup: `<img name="documentElement">`
// shadows `document.documentElement`, `<input name="insertBefore">` shadows `form.insertBefore`
// ([LegacyOverrideBuiltIns] named properties on Document and HTMLFormElement). So neither the capture
// (on the customer's own page, which may be hostile or just unlucky in its names) nor the mirror reads
// a member of a page's node or document directly where a name could shadow it: they call the
// platform's prototype methods and getters, captured here once. WebIDL brand checks accept platform
// objects from any same-origin realm, so these work on nodes of other frames' realms too.

/** The platform getter `name` of `proto`, as a function of the object (throws at load if absent). */
export function getter<T, R>(proto: object, name: string): (o: T) => R {
  const d = Object.getOwnPropertyDescriptor(proto, name);
  if (!d?.get) throw new Error(`no getter ${name}`);
  const get = d.get;
  return (o: T) => get.call(o) as R;
}
function setter<T, V>(proto: object, name: string): (o: T, v: V) => void {
  const d = Object.getOwnPropertyDescriptor(proto, name);
  if (!d?.set) throw new Error(`no setter ${name}`);
  const set = d.set;
  return (o: T, v: V) => void set.call(o, v);
}

const N = Node.prototype;
const E = Element.prototype;
const D = Document.prototype;

export const parentNode = getter<Node, ParentNode | null>(N, 'parentNode');
export const firstChild = getter<Node, ChildNode | null>(N, 'firstChild');
export const nextSibling = getter<Node, ChildNode | null>(N, 'nextSibling');
export const nodeType = getter<Node, number>(N, 'nodeType');
export const ownerDocument = getter<Node, Document | null>(N, 'ownerDocument');
export const isConnected = getter<Node, boolean>(N, 'isConnected');
export const previousSibling = getter<Node, ChildNode | null>(N, 'previousSibling');
export const localName = getter<Element, string>(E, 'localName');
export const attributes = getter<Element, NamedNodeMap>(E, 'attributes');
export const shadowRoot = getter<Element, ShadowRoot | null>(E, 'shadowRoot');
export const namespaceURI = getter<Element, string | null>(E, 'namespaceURI');
export const shadowHost = getter<ShadowRoot, Element>(ShadowRoot.prototype, 'host');
export const defaultView = getter<Document, (Window & typeof globalThis) | null>(D, 'defaultView');
export const documentElement = getter<Document, Element | null>(D, 'documentElement');
const docActive = getter<Document, Element | null>(D, 'activeElement');
const shadowActive = getter<ShadowRoot, Element | null>(ShadowRoot.prototype, 'activeElement');
/** The focused element of a document or shadow root. */
export const activeElement = (root: Document | ShadowRoot): Element | null =>
  nodeType(root) === DOCUMENT_NODE ? docActive(root as Document) : shadowActive(root as ShadowRoot);
export const implementation = getter<Document, DOMImplementation>(D, 'implementation');
export const templateContent = getter<HTMLTemplateElement, DocumentFragment>(HTMLTemplateElement.prototype, 'content');
export const contentDocument = getter<HTMLIFrameElement, Document | null>(HTMLIFrameElement.prototype, 'contentDocument');
export const setData = setter<CharacterData, string>(CharacterData.prototype, 'data');
export const ownerSheet = getter<HTMLStyleElement, CSSStyleSheet | null>(HTMLStyleElement.prototype, 'sheet');
export const linkSheet = getter<HTMLLinkElement, CSSStyleSheet | null>(HTMLLinkElement.prototype, 'sheet');
export const svgStyleSheet = getter<SVGStyleElement, CSSStyleSheet | null>(SVGStyleElement.prototype, 'sheet');
export const docAdopted = getter<Document, CSSStyleSheet[]>(D, 'adoptedStyleSheets');
export const setDocAdopted = setter<Document, CSSStyleSheet[]>(D, 'adoptedStyleSheets');
export const setShadowAdopted = setter<ShadowRoot, CSSStyleSheet[]>(ShadowRoot.prototype, 'adoptedStyleSheets');

const insertBeforeFn = N.insertBefore;
const removeChildFn = N.removeChild;
const moveBeforeFn = (N as unknown as { moveBefore?: (n: Node, c: Node | null) => void }).moveBefore;
export const insertBefore = (p: Node, n: Node, c: Node | null): void => void insertBeforeFn.call(p, n, c);
export const removeChild = (p: Node, n: Node): void => void removeChildFn.call(p, n);
/**
 * Moves a connected node without tearing it down when the browser can (`moveBefore`, Chrome 133+):
 * a moved `<iframe>` keeps its document, so the ids inside it stay valid.
 */
export function moveBefore(p: Node, n: Node, c: Node | null): void {
  if (moveBeforeFn && isConnected(p) && isConnected(n) && ownerDocument(p) === ownerDocument(n)) {
    try {
      moveBeforeFn.call(p, n, c);
      return;
    } catch {
      // not movable atomically (e.g. across shadow-including roots in old builds): plain insert
    }
  }
  insertBefore(p, n, c);
}
/** Detaches `n` from whatever holds it (a no-op when already detached). */
export function detach(n: Node): void {
  const p = parentNode(n);
  if (p) removeChild(p, n);
}

export const createElementNS = (d: Document, ns: string | null, name: string): Element => D.createElementNS.call(d, ns, name);
export const createTextNode = (d: Document, s: string): Text => D.createTextNode.call(d, s);
export const createComment = (d: Document, s: string): Comment => D.createComment.call(d, s);
export const setAttribute = (e: Element, n: string, v: string): void => E.setAttribute.call(e, n, v);
export const setAttributeNS = (e: Element, ns: string | null, n: string, v: string): void => E.setAttributeNS.call(e, ns, n, v);
const textContentSetter = Object.getOwnPropertyDescriptor(N, 'textContent')!.set!;
export const setTextContent = (n: Node, v: string): void => void textContentSetter.call(n, v);
export const getAttribute = (e: Element, n: string): string | null => E.getAttribute.call(e, n);
export const matches = (e: Element, selector: string): boolean => E.matches.call(e, selector);
export const closest = (e: Element, selector: string): Element | null => E.closest.call(e, selector);
const shadowAdopted = getter<ShadowRoot, CSSStyleSheet[]>(ShadowRoot.prototype, 'adoptedStyleSheets');
/** A document's or shadow root's adopted sheets. */
export const adoptedSheets = (root: Document | ShadowRoot): readonly CSSStyleSheet[] =>
  nodeType(root) === DOCUMENT_NODE ? docAdopted(root as Document) : shadowAdopted(root as ShadowRoot);
export const removeAttribute = (e: Element, n: string): void => E.removeAttribute.call(e, n);
export const getAttributeNS = (e: Element, ns: string | null, n: string): string | null => E.getAttributeNS.call(e, ns, n);
export const removeAttributeNS = (e: Element, ns: string | null, n: string): void => E.removeAttributeNS.call(e, ns, n);
const rootNodeFn = N.getRootNode;
/** The root of a node's tree: its document, its shadow root, or the top of a detached subtree. */
export const rootNode = (n: Node): Node => rootNodeFn.call(n);
const containsFn = N.contains;
export const contains = (a: Node, b: Node): boolean => containsFn.call(a, b);
const docById = D.getElementById;
const fragById = DocumentFragment.prototype.getElementById;
/** The first element in tree order with that id, in a document or a shadow root (a `<use>`'s target). */
export const elementById = (root: Document | DocumentFragment, id: string): Element | null =>
  nodeType(root) === DOCUMENT_NODE ? docById.call(root, id) : fragById.call(root, id);
export const hasAttribute = (e: Element, n: string): boolean => E.hasAttribute.call(e, n);
export const attachShadow = (e: Element, mode: ShadowRootMode): ShadowRoot => E.attachShadow.call(e, { mode });
export const addListener = (
  t: EventTarget,
  type: string,
  fn: (e: Event) => void,
  options: boolean | AddEventListenerOptions = true,
): void => EventTarget.prototype.addEventListener.call(t, type, fn, options);
export const removeListener = (
  t: EventTarget,
  type: string,
  fn: (e: Event) => void,
  options: boolean | EventListenerOptions = true,
): void => EventTarget.prototype.removeEventListener.call(t, type, fn, options);
export const getSelection = (d: Document): Selection | null => D.getSelection.call(d);
/** A node's document (a document is its own). */
export const documentOf = (n: Node): Document | null => (nodeType(n) === DOCUMENT_NODE ? (n as Document) : ownerDocument(n));

const rectFn = Element.prototype.getBoundingClientRect;
/** The element's box in its viewport, whatever the page put on the element itself. */
export const boundingRect = (el: Element): DOMRect => rectFn.call(el);

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;
export const CDATA_NODE = 4;
export const COMMENT_NODE = 8;
export const DOCUMENT_NODE = 9;
export const DOCTYPE_NODE = 10;
export const FRAGMENT_NODE = 11;

export const HTML_NS = 'http://www.w3.org/1999/xhtml';
export const SVG_NS = 'http://www.w3.org/2000/svg';
export const XLINK_NS = 'http://www.w3.org/1999/xlink';
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** True for an element of the HTML namespace with that local name. */
export function isHtml(n: Node, name: string): n is HTMLElement {
  return nodeType(n) === ELEMENT_NODE && namespaceURI(n as Element) === HTML_NS && localName(n as Element) === name;
}
/** True for an element of the SVG namespace with that local name. */
export function isSvg(n: Node, name: string): n is SVGElement {
  return nodeType(n) === ELEMENT_NODE && namespaceURI(n as Element) === SVG_NS && localName(n as Element) === name;
}

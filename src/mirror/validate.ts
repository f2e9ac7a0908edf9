// The pre-pass: checks a decoded frame against the mirror's state before anything changes, so a frame
// is applied whole or not at all. It replays the frame on a model (which ids exist, who is whose
// parent), never on the DOM. The decoder already checked syntax; this checks references and structure.
import { NodeKind, OpCode } from '../protocol/constants.js';
import { ProtocolError } from '../protocol/errors.js';
import type { Frame, Op, WireNode } from '../protocol/types.js';
import * as dom from '../dom/safe-dom.js';
import { isShadowRoot, type NodeMap } from './nodes.js';
import { elementNamespace } from './build.js';
import { attrNameSettable, elementNameOk, standardAttrName } from './names.js';
import { STEP_MASK, drain } from '../protocol/decoder.js';

type Kind = 'element' | 'data' | 'doctype' | 'document' | 'shadow' | 'fragment';
interface Info {
  kind: Kind;
  /** Lowercase local name and namespace of an element. */
  local?: string;
  ns?: string | null;
}

/** Elements that may host a shadow root (DOM spec "valid shadow host name"), plus custom elements. */
const SHADOW_HOSTS = new Set([
  'article',
  'aside',
  'blockquote',
  'body',
  'div',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'main',
  'nav',
  'p',
  'section',
  'span',
]);

export interface SheetModel {
  /** Constructed sheet ids the mirror has now. */
  has(sheetId: number): boolean;
}

const fail = (code: 'id' | 'node' | 'state', msg: string): never => {
  throw new ProtocolError(code, msg);
};

export function validateFrame(frame: Frame, map: NodeMap, sheets: SheetModel): void {
  drain(validateSteps(frame, map, sheets));
}

/** `validateFrame` in steps: yields now and then inside a large tree (see Mirror.apply). */
export function validateSteps(frame: Frame, map: NodeMap, sheets: SheetModel): Generator<void, void> {
  return new Validator(frame.kind === 'snapshot', map, sheets).run(frame.ops);
}

class Validator {
  /** Nodes created by this frame. */
  #created = new Map<number, Info>();
  /** Model parent of nodes created or moved by this frame (0 = detached). */
  #vparent = new Map<number, number>();
  #newSheets = new Set<number>();
  /** Hosts that have (or get, in this frame) a shadow root. */
  #newShadows = new Set<number>();
  #hasTop: boolean;

  constructor(
    private fresh: boolean,
    private map: NodeMap,
    private sheets: SheetModel,
  ) {
    this.#hasTop = !fresh;
  }

  *run(ops: Op[]): Generator<void, void> {
    for (const op of ops) {
      if (op.op === OpCode.Tree) yield* this.#tree(op.parent, op.before, op.nodes);
      else this.#op(op);
    }
    if (!this.#hasTop) fail('state', 'a snapshot without a top document');
  }

  #node(id: number): Node | undefined {
    return this.fresh ? undefined : this.map.get(id);
  }
  #info(id: number, what = 'node'): Info {
    const c = this.#created.get(id);
    if (c) return c;
    const n = this.#node(id);
    if (!n) return fail('id', `unknown ${what} id ${id}`);
    switch (dom.nodeType(n)) {
      case dom.ELEMENT_NODE:
        return { kind: 'element', local: dom.localName(n as Element).toLowerCase(), ns: dom.namespaceURI(n as Element) };
      case dom.DOCUMENT_NODE:
        return { kind: 'document' };
      case dom.DOCTYPE_NODE:
        return { kind: 'doctype' };
      case dom.FRAGMENT_NODE:
        return { kind: isShadowRoot(n) ? 'shadow' : 'fragment' };
      default:
        return { kind: 'data' };
    }
  }
  #element(id: number, what: string): Info {
    const i = this.#info(id, what);
    if (i.kind !== 'element') fail('node', `${what} ${id} is not an element`);
    return i;
  }
  #parentOf(id: number): number {
    const v = this.#vparent.get(id);
    if (v !== undefined) return v;
    const n = this.#node(id);
    const p = n && this.map.parent(n);
    return p ? this.map.id(p) : 0;
  }
  /** The ids of `id` and all its model ancestors (through hosts, templates and frames). */
  #ancestors(id: number): Set<number> {
    const out = new Set<number>();
    for (let a = id; a > 0 && !out.has(a); a = this.#parentOf(a)) out.add(a);
    return out;
  }
  #hasShadow(hostId: number): boolean {
    if (this.#newShadows.has(hostId)) return true;
    const n = this.#node(hostId);
    return !!n && this.map.shadowOf.has(n as Element);
  }

  #op(op: Op): void {
    switch (op.op) {
      case OpCode.Meta:
      case OpCode.Viewport:
      case OpCode.Pointer:
      case OpCode.Click:
        return;
      case OpCode.Tree: // run()
        return;
      case OpCode.Remove: {
        const i = this.#info(op.id);
        if (i.kind === 'document' || i.kind === 'shadow' || i.kind === 'fragment') fail('node', `cannot remove ${i.kind} ${op.id}`);
        this.#vparent.set(op.id, 0);
        return;
      }
      case OpCode.Text:
        if (this.#info(op.id).kind !== 'data') fail('node', `TEXT on ${op.id}, not a text node`);
        return;
      case OpCode.Attr:
        this.#element(op.id, 'ATTR target');
        checkAttrName(op.name);
        return;
      case OpCode.AttrDel:
      case OpCode.Value:
      case OpCode.Checked:
      case OpCode.Selected:
      case OpCode.Media:
      case OpCode.Canvas:
      case OpCode.Dialog:
      case OpCode.Loaded:
        this.#element(op.id, 'target');
        return;
      case OpCode.Scroll: {
        const k = this.#info(op.id).kind;
        if (k !== 'element' && k !== 'document') fail('node', `SCROLL on ${op.id}`);
        return;
      }
      case OpCode.Focus:
      case OpCode.Hover:
        if (op.id) this.#element(op.id, 'FOCUS/HOVER target');
        return;
      case OpCode.Selection:
        if (op.anchor) {
          this.#info(op.anchor);
          this.#info(op.focus);
        }
        return;
      case OpCode.SheetNew: {
        if (this.#info(op.document).kind !== 'document') fail('node', `SHEET_NEW in ${op.document}, not a document`);
        this.#newSheets.add(op.sheet);
        return;
      }
      case OpCode.SheetRules:
      case OpCode.SheetInsert:
      case OpCode.SheetDelete:
        return this.#sheetRef(op.ref);
      case OpCode.Adopt: {
        const k = this.#info(op.target).kind;
        if (k !== 'document' && k !== 'shadow') fail('node', `ADOPT on ${op.target}`);
        for (const s of op.sheets) if (!this.#sheetExists(s)) fail('id', `unknown sheet ${s}`);
        return;
      }
    }
  }

  #sheetExists(sheet: number): boolean {
    return this.#newSheets.has(sheet) || (!this.fresh && this.sheets.has(sheet));
  }
  #sheetRef(ref: number): void {
    if (ref % 2) {
      if (!this.#sheetExists((ref - 1) / 2)) fail('id', `unknown sheet ${(ref - 1) / 2}`);
      return;
    }
    const i = this.#element(ref / 2, 'sheet owner');
    if (i.local !== 'style' && i.local !== 'link') fail('node', `${ref / 2} owns no sheet`);
  }

  *#tree(parent: number, before: number, nodes: WireNode[]): Generator<void, void> {
    const root = nodes[0]!;
    if (parent === 0) {
      // a new top document (the decoder checked the root is a DOCUMENT); the old one is released at
      // the end of the frame, its nodes may still be referenced (moved) until then
      this.#hasTop = true;
      if (before) fail('node', 'a top document has no sibling');
    } else {
      const p = this.#info(parent, 'parent');
      if (root.kind === NodeKind.Shadow) {
        if (p.kind !== 'element' || p.ns !== dom.HTML_NS || !(SHADOW_HOSTS.has(p.local!) || p.local!.includes('-'))) {
          fail('node', `${parent} cannot host a shadow root`);
        }
        if (this.#hasShadow(parent)) fail('node', `${parent} already has a shadow root`);
        this.#newShadows.add(parent);
      } else if (root.kind === NodeKind.Document) {
        if (p.kind !== 'element' || p.ns !== dom.HTML_NS || (p.local !== 'iframe' && p.local !== 'frame'))
          fail('node', `a document under ${parent}`);
      } else if (root.kind === NodeKind.Fragment) {
        if (p.kind !== 'element' || p.local !== 'template' || p.ns !== dom.HTML_NS) fail('node', `template content under ${parent}`);
      } else {
        if (p.kind === 'data' || p.kind === 'doctype') fail('node', `${parent} cannot have children`);
        if (root.kind === NodeKind.Doctype && p.kind !== 'document') fail('node', 'a doctype outside a document');
        if (p.kind === 'document' && (root.kind === NodeKind.Text || root.kind === NodeKind.CData)) fail('node', 'text in a document');
      }
      if (before) {
        if (root.kind === NodeKind.Shadow || root.kind === NodeKind.Document || root.kind === NodeKind.Fragment)
          fail('node', 'before with an extra');
        this.#info(before, 'before');
        if (this.#parentOf(before) !== parent) fail('node', `${before} is not a child of ${parent}`);
        if (root.kind === NodeKind.Ref && root.id === before) fail('node', 'a node inserted before itself');
      }
    }
    const above = parent ? this.#ancestors(parent) : new Set<number>();
    for (let i = 0; i < nodes.length; i++) {
      if ((i & STEP_MASK) === STEP_MASK) yield;
      const n = nodes[i]!;
      const pid = n.parent < 0 ? parent : nodes[n.parent]!.id;
      if (n.kind === NodeKind.Ref) {
        const k = this.#info(n.id, 'REF').kind;
        if (k === 'document' || k === 'shadow' || k === 'fragment') fail('node', `REF of a ${k}`);
        if (above.has(n.id)) fail('node', `REF ${n.id} would be inside itself`);
        if (k === 'doctype' && this.#info(pid).kind !== 'document') fail('node', 'a doctype outside a document');
        if (pid === 0) fail('node', 'REF at the top');
        this.#vparent.set(n.id, pid);
        continue;
      }
      if (this.#created.has(n.id) || this.#node(n.id)) fail('id', `node id ${n.id} is already in use`);
      const info: Info = { kind: kindOf(n.kind) };
      if (n.kind <= NodeKind.OtherElement) {
        const el = n as Extract<WireNode, { attrs: string[] }>;
        info.ns = elementNamespace(el);
        info.local = el.name.toLowerCase();
        checkElementName(info.ns, el.name);
        for (let a = 0; a < el.attrs.length; a += 2) checkAttrName(el.attrs[a]!);
      }
      this.#created.set(n.id, info);
      this.#vparent.set(n.id, pid);
    }
  }
}

function kindOf(k: NodeKind): Kind {
  switch (k) {
    case NodeKind.Document:
      return 'document';
    case NodeKind.Shadow:
      return 'shadow';
    case NodeKind.Fragment:
      return 'fragment';
    case NodeKind.Doctype:
      return 'doctype';
    case NodeKind.Text:
    case NodeKind.Comment:
    case NodeKind.CData:
      return 'data';
    default:
      return 'element';
  }
}

function checkElementName(ns: string | null, name: string): void {
  if (!elementNameOk(ns, name)) fail('node', `invalid element name ${JSON.stringify(name)}`);
}

/**
 * An attribute name this viewer's DOM refuses but the DOM standard allows is not an error of the frame:
 * the builder drops that attribute (and the mirror reports it once). Only a name no page can hold fails.
 */
function checkAttrName(name: string): void {
  if (!attrNameSettable(name) && !standardAttrName(name)) fail('node', `invalid attribute name ${JSON.stringify(name)}`);
}

// Reads and validates frames (SPEC.md). Two steps, so a rejected frame changes nothing:
// `decode()` checks every field and returns plain data; `commit()` then keeps the string table it
// grew. The mirror checks node ids against its own state between the two.
import { ByteReader } from './bytes.js';
import {
  ElementFlag,
  FrameKind,
  MAX_DEPTH,
  MAX_OP_CODE,
  MAX_PERSISTENT_STRINGS,
  MAX_STRINGS,
  NodeKind,
  OpCode,
  PROTOCOL_VERSION,
  type DialogState,
} from './constants.js';
import { ProtocolError } from './errors.js';
import type { ElementNode, Frame, NodeSlot, Op, WireNode } from './types.js';

const ATTRS_END = 3;
/** An open place in a tree being read: a child list, an extra owed, or an extra already read. */
type Place = NodeSlot | 'filled';

export class FrameDecoder {
  private persistent: string[] = [];
  /** The table as it will be after commit(): the persistent part plus what the last frame added. */
  #pending: string[] | null = null;
  #table: string[] = [];
  #snapshot = false;
  #r = new ByteReader(new Uint8Array(0));
  #prevId = 0;
  #prevTarget = 0;
  #newIds = new Set<number>();

  /** Decodes and validates one frame. Throws ProtocolError; nothing is kept until `commit()`. */
  decode(bytes: Uint8Array): Frame {
    return drain(this.decodeSteps(bytes));
  }

  /**
   * `decode()` in steps: yields now and then inside a large tree, so a viewer can read a large snapshot
   * over several tasks. Another decode() or decodeSteps() abandons it (they share the reader).
   */
  *decodeSteps(bytes: Uint8Array): Generator<void, Frame> {
    const r = (this.#r = new ByteReader(bytes));
    this.#prevId = 0;
    this.#prevTarget = 0;
    this.#newIds.clear();
    const version = r.u8();
    if (version !== PROTOCOL_VERSION) throw new ProtocolError('version', `unknown protocol version ${version}`, 0);
    const kind = r.u8();
    if (kind !== FrameKind.Snapshot && kind !== FrameKind.Delta) throw new ProtocolError('op', `unknown frame kind ${kind}`, 1);
    const seq = r.uv();
    this.#snapshot = kind === FrameKind.Snapshot;
    if (this.#snapshot) {
      const count = r.uv();
      if (count > MAX_PERSISTENT_STRINGS) throw new ProtocolError('table-full', `preamble of ${count} strings`, r.pos);
      // each entry takes at least one byte: a huge count in a short frame fails fast as truncated
      if (count > bytes.length - r.pos) throw new ProtocolError('truncated', 'preamble runs past the frame', r.pos);
      this.#table = [];
      for (let i = 0; i < count; i++) {
        const at = r.pos;
        const h = r.uv();
        if (h % 4 !== 1) throw new ProtocolError('string-ref', 'preamble strings must be literals', at);
        this.#table.push(r.utf8(Math.floor(h / 4)));
      }
      this.#pending = this.#table.slice();
    } else {
      this.#table = this.persistent.slice();
      this.#pending = this.#table;
    }
    const ops: Op[] = [];
    while (!r.done) {
      if (r.buf[r.pos] !== OpCode.Tree) ops.push(this.#op());
      else {
        r.pos++;
        const parent = this.#optionalId();
        const before = this.#optionalId();
        ops.push({ op: OpCode.Tree, parent, before, nodes: yield* this.#tree(parent === 0) });
      }
    }
    return { kind: this.#snapshot ? 'snapshot' : 'delta', seq, ops };
  }

  /** Keeps the string table as the last decoded frame left it. Call once the frame is applied. */
  commit(): void {
    if (this.#pending) this.persistent = this.#pending;
    this.#pending = null;
  }

  /** Forgets everything (a new viewer state: the next frame must be a snapshot). */
  reset(): void {
    this.persistent = [];
    this.#pending = null;
  }

  // ---- strings ------------------------------------------------------------------------------------

  #str(): string {
    const r = this.#r;
    const at = r.pos;
    const h = r.uv();
    const tag = h % 4;
    const n = Math.floor(h / 4);
    if (tag === 0) {
      const s = this.#table[n];
      if (s === undefined) throw new ProtocolError('string-ref', `string index ${n} not in the table`, at);
      return s;
    }
    if (tag === 3) throw new ProtocolError('string-ref', 'unexpected end marker', at);
    const s = r.utf8(n);
    if (tag === 2) {
      if (this.#snapshot) {
        if (this.#table.length >= MAX_STRINGS) throw new ProtocolError('table-full', 'string table full', at);
        this.#table.push(s);
      } else {
        if (this.#table.length >= MAX_PERSISTENT_STRINGS) throw new ProtocolError('table-full', 'string table full', at);
        this.#table.push(s); // this.table === this.pending for deltas
      }
    }
    return s;
  }

  #id(): number {
    const at = this.#r.pos;
    const id = this.#r.uv();
    if (id === 0) throw new ProtocolError('id', 'node id 0', at);
    return id;
  }

  /** An op's target: delta from the previous target of the frame, modulo 2^32 (SPEC.md, Ops). */
  #target(): number {
    const at = this.#r.pos;
    const id = (this.#prevTarget + this.#r.sv()) >>> 0;
    if (id === 0) throw new ProtocolError('id', 'target node id 0', at);
    this.#prevTarget = id;
    return id;
  }

  #optionalId(): number {
    return this.#r.uv();
  }

  #bool(): boolean {
    const at = this.#r.pos;
    const b = this.#r.u8();
    if (b > 1) throw new ProtocolError('op', `boolean byte ${b}`, at);
    return b === 1;
  }

  // ---- ops ----------------------------------------------------------------------------------------

  #op(): Op {
    const r = this.#r;
    const at = r.pos;
    const code = r.u8();
    if (code === 0 || code > MAX_OP_CODE) throw new ProtocolError('op', `unknown op ${code}`, at);
    switch (code as OpCode) {
      case OpCode.Meta:
        return { op: OpCode.Meta, url: this.#str() };
      case OpCode.Viewport:
        return { op: OpCode.Viewport, width: r.uv(), height: r.uv(), dpr: r.uv() / 1000 };
      case OpCode.Remove:
        return { op: OpCode.Remove, id: this.#target() };
      case OpCode.Text:
        return { op: OpCode.Text, id: this.#target(), data: this.#str() };
      case OpCode.Attr:
        return { op: OpCode.Attr, id: this.#target(), name: this.#str(), value: this.#str() };
      case OpCode.AttrDel:
        return { op: OpCode.AttrDel, id: this.#target(), name: this.#str() };
      case OpCode.Value:
        return { op: OpCode.Value, id: this.#target(), value: this.#str() };
      case OpCode.Checked:
        return { op: OpCode.Checked, id: this.#target(), checked: this.#bool() };
      case OpCode.Selected:
        return { op: OpCode.Selected, id: this.#target(), selected: this.#bool() };
      case OpCode.Scroll:
        return { op: OpCode.Scroll, id: this.#target(), x: r.sv(), y: r.sv() };
      case OpCode.Focus:
        return { op: OpCode.Focus, id: this.#optionalId() };
      case OpCode.Selection:
        return { op: OpCode.Selection, anchor: r.uv(), anchorOffset: r.uv(), focus: r.uv(), focusOffset: r.uv() };
      case OpCode.Hover:
        return { op: OpCode.Hover, id: this.#optionalId() };
      case OpCode.Pointer:
        return { op: OpCode.Pointer, x: r.sv(), y: r.sv() };
      case OpCode.Click:
        return { op: OpCode.Click, x: r.sv(), y: r.sv() };
      case OpCode.SheetNew:
        return { op: OpCode.SheetNew, sheet: this.#id(), document: this.#id() };
      case OpCode.SheetRules: {
        const ref = this.#sheetRef();
        const count = r.uv();
        if (count > r.buf.length - r.pos) throw new ProtocolError('truncated', `${count} rules cannot fit`, at);
        const rules: string[] = [];
        for (let i = 0; i < count; i++) rules.push(this.#str());
        return { op: OpCode.SheetRules, ref, rules };
      }
      case OpCode.SheetInsert:
        return { op: OpCode.SheetInsert, ref: this.#sheetRef(), index: r.uv(), rule: this.#str() };
      case OpCode.SheetDelete:
        return { op: OpCode.SheetDelete, ref: this.#sheetRef(), index: r.uv() };
      case OpCode.Adopt: {
        const target = this.#id();
        const count = r.uv();
        if (count > r.buf.length - r.pos) throw new ProtocolError('truncated', `${count} sheets cannot fit`, at);
        const sheets: number[] = [];
        for (let i = 0; i < count; i++) sheets.push(this.#id());
        return { op: OpCode.Adopt, target, sheets };
      }
      case OpCode.Media:
        return {
          op: OpCode.Media,
          id: this.#target(),
          paused: this.#bool(),
          time: r.uv() / 1000,
          rate: r.uv() / 1000,
          muted: this.#bool(),
        };
      case OpCode.Canvas:
        return { op: OpCode.Canvas, id: this.#target(), image: this.#str() };
      case OpCode.Dialog: {
        const id = this.#target();
        const s = r.u8();
        if (s > 2) throw new ProtocolError('op', `dialog state ${s}`, r.pos - 1);
        return { op: OpCode.Dialog, id, state: s as DialogState };
      }
      case OpCode.Loaded:
        return { op: OpCode.Loaded, id: this.#target() };
    }
    throw new ProtocolError('op', `unknown op ${code}`, at);
  }

  #sheetRef(): number {
    const at = this.#r.pos;
    const ref = this.#r.uv();
    if (ref < 2) throw new ProtocolError('id', `sheet ref ${ref}`, at);
    return ref;
  }

  // ---- trees --------------------------------------------------------------------------------------

  /**
   * One subtree, iteratively (trees may be thousands of levels deep). The stack holds open places:
   * a child list (`slot` 'child') or an extra (shadow / content / document) that an element still owes
   * once its children are read. `extras` is what remains owed after that place closes.
   */
  *#tree(topLevel: boolean): Generator<void, WireNode[]> {
    const r = this.#r;
    const nodes: WireNode[] = [];
    const owners: number[] = [];
    const slots: Place[] = [];
    const extras: number[] = [];
    for (;;) {
      const at = r.pos;
      const kind = r.u8() as NodeKind;
      const depth = owners.length;
      if (kind === NodeKind.End) {
        if (!depth || slots[depth - 1] !== 'child') throw new ProtocolError('node', 'END outside a child list', at);
        if (this.#close(owners, slots, extras)) return nodes;
        continue;
      }
      if (!depth && nodes.length) throw new ProtocolError('node', 'a tree has one root', at);
      if (depth >= MAX_DEPTH) throw new ProtocolError('depth', `tree deeper than ${MAX_DEPTH}`, at);
      const parent = depth ? owners[depth - 1]! : -1;
      const slot = (depth ? slots[depth - 1]! : 'child') as NodeSlot;
      const node = this.#node(kind, at, parent, slot);
      if (topLevel && !nodes.length && kind !== NodeKind.Document) {
        throw new ProtocolError('node', 'the top-level tree must be a document', at);
      }
      this.#checkSlot(node, parent === -1 ? null : nodes[parent]!, at);
      const index = nodes.length;
      nodes.push(node);
      if ((index & STEP_MASK) === STEP_MASK) yield;
      let owes = 0;
      if (isElement(kind)) owes = this.#lastFlags & (ElementFlag.Shadow | ElementFlag.Template | ElementFlag.Frame);
      if (isElement(kind) || kind === NodeKind.Document || kind === NodeKind.Shadow || kind === NodeKind.Fragment) {
        if (slot !== 'child') slots[depth - 1] = 'filled'; // an extra place takes one node
        owners.push(index);
        slots.push('child');
        extras.push(owes);
      } else if (!depth) {
        return nodes; // a leaf as the root
      }
    }
  }

  /** A child list just closed. Opens the next extra owed, or closes finished extras. True when done. */
  #close(owners: number[], slots: Place[], extras: number[]): boolean {
    for (;;) {
      const owner = owners.pop()!;
      slots.pop();
      const owes = extras.pop()!;
      if (owes) {
        // the element owes an extra: open a place for it, with the rest owed after it
        const slot: NodeSlot = owes & ElementFlag.Shadow ? 'shadow' : owes & ElementFlag.Template ? 'content' : 'document';
        const flag = slot === 'shadow' ? ElementFlag.Shadow : slot === 'content' ? ElementFlag.Template : ElementFlag.Frame;
        owners.push(owner);
        slots.push(slot);
        extras.push(owes & ~flag);
        return false;
      }
      const depth = owners.length;
      if (!depth) return true;
      // the closed node filled an extra place: that place is done, continue with its owner
      if (slots[depth - 1] === 'filled') continue;
      return false;
    }
  }

  #lastFlags = 0;

  #checkSlot(node: WireNode, parent: WireNode | null, at: number): void {
    const k = node.kind;
    if (node.slot === 'shadow' && k !== NodeKind.Shadow) throw new ProtocolError('node', 'expected a shadow root', at);
    if (node.slot === 'content' && k !== NodeKind.Fragment) throw new ProtocolError('node', 'expected template content', at);
    if (node.slot === 'document' && k !== NodeKind.Document) throw new ProtocolError('node', 'expected a frame document', at);
    if (node.slot === 'child' && parent && (k === NodeKind.Shadow || k === NodeKind.Fragment || k === NodeKind.Document)) {
      throw new ProtocolError('node', 'a shadow root, template content or document cannot be a child', at);
    }
    if (k === NodeKind.Doctype && parent && parent.kind !== NodeKind.Document) {
      throw new ProtocolError('node', 'a doctype outside a document', at);
    }
  }

  #node(kind: NodeKind, at: number, parent: number, slot: NodeSlot): WireNode {
    const r = this.#r;
    if (kind === NodeKind.Ref) return { kind, id: this.#id(), parent, slot };
    if (kind < NodeKind.HtmlElement || kind > NodeKind.Ref) throw new ProtocolError('node', `unknown node kind ${kind}`, at);
    // modulo 2^32: an sv (32 bits) reaches any id from any other (SPEC.md, Nodes)
    const id = (this.#prevId + 1 + r.sv()) >>> 0;
    if (id === 0) throw new ProtocolError('id', 'node id 0', at);
    if (this.#newIds.has(id)) throw new ProtocolError('id', `node id ${id} used twice`, at);
    this.#newIds.add(id);
    this.#prevId = id;
    switch (kind) {
      case NodeKind.Text:
      case NodeKind.Comment:
      case NodeKind.CData:
        return { kind, id, parent, slot, data: this.#str() };
      case NodeKind.Doctype:
        return { kind, id, parent, slot, name: this.#str(), publicId: this.#str(), systemId: this.#str() };
      case NodeKind.Document: {
        const m = r.u8();
        if (m > 2) throw new ProtocolError('node', `document mode ${m}`, r.pos - 1);
        return { kind, id, parent, slot, mode: m === 1 ? 'quirks' : m === 2 ? 'limited-quirks' : 'no-quirks' };
      }
      case NodeKind.Fragment:
        return { kind, id, parent, slot };
      case NodeKind.Shadow: {
        const mode = r.u8();
        if (mode > 1) throw new ProtocolError('node', `shadow mode ${mode}`, r.pos - 1);
        return { kind, id, parent, slot, mode: mode === 1 ? 'closed' : 'open' };
      }
      default: {
        const ns = kind === NodeKind.OtherElement ? this.#str() : undefined;
        const name = this.#str();
        if (!name) throw new ProtocolError('node', 'empty element name', at);
        const attrs: string[] = [];
        for (;;) {
          if (r.pos < r.buf.length && r.buf[r.pos] === ATTRS_END) {
            r.pos++;
            break;
          }
          attrs.push(this.#str(), this.#str());
        }
        const flags = r.u8();
        if (flags > 127) throw new ProtocolError('node', `element flags ${flags}`, r.pos - 1);
        const el: ElementNode = { kind: kind as ElementNode['kind'], id, parent, slot, name, attrs };
        if (ns !== undefined) el.ns = ns;
        if (flags & ElementFlag.Value) el.value = this.#str();
        if (flags & ElementFlag.Checked) el.checked = true;
        if (flags & ElementFlag.Selected) el.selected = true;
        if (flags & ElementFlag.Unloaded) el.unloaded = true;
        this.#lastFlags = flags;
        return el;
      }
    }
  }
}

/** Steps (decodeSteps, the mirror's) yield after every 2^9 tree nodes: a fraction of a millisecond of work. */
export const STEP_MASK = 511;

/** Runs steps to the end at once. */
export function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

function isElement(kind: NodeKind): boolean {
  return kind >= NodeKind.HtmlElement && kind <= NodeKind.OtherElement;
}

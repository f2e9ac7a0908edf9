// Writes frames (SPEC.md) straight into bytes: the capture side calls one method per op or node, with
// no intermediate objects. `encodeFrame` turns a plain `Frame` into bytes for tools and tests.
import { ByteWriter } from './bytes.js';
import { FrameKind, MAX_PERSISTENT_STRINGS, MAX_STRINGS, NodeKind, OpCode, PROTOCOL_VERSION, type DialogState } from './constants.js';

/** Values up to this many UTF-16 units are interned (repeated class names, types, short values). */
const INTERN_VALUE_MAX = 40;
const STRING_TAG_REF = 0;
const STRING_TAG_LITERAL = 1;
const STRING_TAG_INTERN = 2;
const ATTRS_END = 3;

export class FrameEncoder {
  readonly #w = new ByteWriter();
  /** Strings interned by deltas; carried by every snapshot. Index = position in `persistentList`. */
  private readonly persistent = new Map<string, number>();
  private readonly persistentList: string[] = [];
  /** A snapshot's own interned strings, indices after the persistent ones; dropped after the frame. */
  readonly #local = new Map<string, number>();
  #snapshot = false;
  #prevId = 0;
  /** The last op target id written in this frame (targets are delta-coded: runs cost one byte). */
  #prevTarget = 0;
  #ops = 0;

  /** Starts a frame. A snapshot starts with the persistent string table (SPEC.md, Strings). */
  begin(kind: FrameKind, seq: number): void {
    const w = this.#w;
    w.reset();
    this.#local.clear();
    this.#snapshot = kind === FrameKind.Snapshot;
    this.#prevId = 0;
    this.#prevTarget = 0;
    this.#ops = 0;
    w.u8(PROTOCOL_VERSION);
    w.u8(kind);
    w.uv(seq);
    if (this.#snapshot) {
      const list = this.persistentList;
      w.uv(list.length);
      for (let i = 0; i < list.length; i++) w.strBytes(list[i]!, STRING_TAG_LITERAL);
    }
  }

  /** Ops written since `begin`. */
  get opCount(): number {
    return this.#ops;
  }

  /** The finished frame's bytes (a copy; the encoder is ready for the next `begin`). */
  finish(): Uint8Array {
    this.#local.clear();
    return this.#w.take();
  }

  /** Forgets the string table: the next frame must be a snapshot (which then carries an empty table). */
  resetStrings(): void {
    this.persistent.clear();
    this.persistentList.length = 0;
  }

  // ---- strings ------------------------------------------------------------------------------------

  /** A string that repeats (tag and attribute names): interned when there is room. */
  name(s: string): void {
    this.#str(s, true);
  }

  /** An attribute or property value: interned when short. */
  value(s: string): void {
    this.#str(s, s.length <= INTERN_VALUE_MAX);
  }

  /** Text content: never interned. */
  data(s: string): void {
    this.#str(s, false);
  }

  #str(s: string, intern: boolean): void {
    const w = this.#w;
    const p = this.persistent.get(s);
    if (p !== undefined) return w.uv(p * 4 + STRING_TAG_REF);
    if (this.#snapshot) {
      const l = this.#local.get(s);
      if (l !== undefined) return w.uv(l * 4 + STRING_TAG_REF);
      const index = this.persistentList.length + this.#local.size;
      if (intern && index < MAX_STRINGS) {
        this.#local.set(s, index);
        return w.strBytes(s, STRING_TAG_INTERN);
      }
    } else if (intern && this.persistentList.length < MAX_PERSISTENT_STRINGS) {
      this.persistent.set(s, this.persistentList.length);
      this.persistentList.push(s);
      return w.strBytes(s, STRING_TAG_INTERN);
    }
    w.strBytes(s, STRING_TAG_LITERAL);
  }

  // ---- ops ----------------------------------------------------------------------------------------

  #op(code: OpCode): ByteWriter {
    this.#ops++;
    this.#w.u8(code);
    return this.#w;
  }

  /** An op's target node id, as the difference from the previous target modulo 2^32 (SPEC.md, Ops). */
  #target(id: number): void {
    this.#w.sv((id - this.#prevTarget) | 0);
    this.#prevTarget = id;
  }

  meta(url: string): void {
    this.#op(OpCode.Meta);
    this.data(url);
  }
  viewport(width: number, height: number, dpr: number): void {
    const w = this.#op(OpCode.Viewport);
    w.uv(Math.max(0, Math.round(width)));
    w.uv(Math.max(0, Math.round(height)));
    w.uv(Math.max(0, Math.round(dpr * 1000)));
  }
  /** Starts a TREE op; write exactly one node (with its subtree) next. */
  tree(parent: number, before: number): void {
    const w = this.#op(OpCode.Tree);
    w.uv(parent);
    w.uv(before);
  }
  remove(id: number): void {
    this.#op(OpCode.Remove);
    this.#target(id);
  }
  text(id: number, data: string): void {
    this.#op(OpCode.Text);
    this.#target(id);
    this.data(data);
  }
  attr(id: number, name: string, value: string): void {
    this.#op(OpCode.Attr);
    this.#target(id);
    this.name(name);
    this.value(value);
  }
  attrDel(id: number, name: string): void {
    this.#op(OpCode.AttrDel);
    this.#target(id);
    this.name(name);
  }
  inputValue(id: number, value: string): void {
    this.#op(OpCode.Value);
    this.#target(id);
    this.data(value);
  }
  checked(id: number, checked: boolean): void {
    const w = this.#op(OpCode.Checked);
    this.#target(id);
    w.u8(checked ? 1 : 0);
  }
  selected(id: number, selected: boolean): void {
    const w = this.#op(OpCode.Selected);
    this.#target(id);
    w.u8(selected ? 1 : 0);
  }
  scroll(id: number, x: number, y: number): void {
    const w = this.#op(OpCode.Scroll);
    this.#target(id);
    w.sv(x);
    w.sv(y);
  }
  focus(id: number): void {
    this.#op(OpCode.Focus).uv(id);
  }
  selection(anchor: number, anchorOffset: number, focus: number, focusOffset: number): void {
    const w = this.#op(OpCode.Selection);
    w.uv(anchor);
    w.uv(anchorOffset);
    w.uv(focus);
    w.uv(focusOffset);
  }
  hover(id: number): void {
    this.#op(OpCode.Hover).uv(id);
  }
  pointer(x: number, y: number): void {
    const w = this.#op(OpCode.Pointer);
    w.sv(x);
    w.sv(y);
  }
  click(x: number, y: number): void {
    const w = this.#op(OpCode.Click);
    w.sv(x);
    w.sv(y);
  }
  sheetNew(sheet: number, documentId: number): void {
    const w = this.#op(OpCode.SheetNew);
    w.uv(sheet);
    w.uv(documentId);
  }
  sheetRules(ref: number, rules: ArrayLike<string>): void {
    const w = this.#op(OpCode.SheetRules);
    w.uv(ref);
    w.uv(rules.length);
    for (let i = 0; i < rules.length; i++) this.data(rules[i]!);
  }
  sheetInsert(ref: number, index: number, rule: string): void {
    const w = this.#op(OpCode.SheetInsert);
    w.uv(ref);
    w.uv(index);
    this.data(rule);
  }
  sheetDelete(ref: number, index: number): void {
    const w = this.#op(OpCode.SheetDelete);
    w.uv(ref);
    w.uv(index);
  }
  adopt(target: number, sheets: ArrayLike<number>): void {
    const w = this.#op(OpCode.Adopt);
    w.uv(target);
    w.uv(sheets.length);
    for (let i = 0; i < sheets.length; i++) w.uv(sheets[i]!);
  }
  media(id: number, paused: boolean, timeSeconds: number, rate: number, muted: boolean): void {
    const w = this.#op(OpCode.Media);
    this.#target(id);
    w.u8(paused ? 1 : 0);
    w.uv(Number.isFinite(timeSeconds) ? Math.max(0, Math.round(timeSeconds * 1000)) : 0);
    w.uv(Number.isFinite(rate) ? Math.max(0, Math.round(rate * 1000)) : 1000);
    w.u8(muted ? 1 : 0);
  }
  canvas(id: number, image: string): void {
    this.#op(OpCode.Canvas);
    this.#target(id);
    this.data(image);
  }
  dialog(id: number, state: DialogState): void {
    const w = this.#op(OpCode.Dialog);
    this.#target(id);
    w.u8(state);
  }
  loaded(id: number): void {
    this.#op(OpCode.Loaded);
    this.#target(id);
  }

  // ---- nodes (inside a TREE op, in pre-order) ------------------------------------------------------

  #nodeId(kind: NodeKind, id: number): void {
    const w = this.#w;
    w.u8(kind);
    w.sv((id - this.#prevId - 1) | 0); // modulo 2^32, as the decoder adds it back
    this.#prevId = id;
  }

  /**
   * Starts an element: then `attribute()` per attribute, `elementFlags()` once, its children, `end()`,
   * then the extras its flags announce (shadow, template content, frame document) in that order.
   */
  element(id: number, kind: NodeKind, name: string, ns?: string): void {
    this.#nodeId(kind, id);
    if (kind === NodeKind.OtherElement) this.name(ns ?? '');
    this.name(name);
  }
  attribute(name: string, value: string): void {
    this.name(name);
    this.value(value);
  }
  /** Closes the attribute list and writes the flags (ElementFlag) and, with Value, the value. */
  elementFlags(flags: number, value?: string): void {
    const w = this.#w;
    w.u8(ATTRS_END);
    w.u8(flags);
    if (flags & 1) this.data(value ?? '');
  }
  textNode(id: number, data: string): void {
    this.#nodeId(NodeKind.Text, id);
    this.data(data);
  }
  commentNode(id: number, data: string): void {
    this.#nodeId(NodeKind.Comment, id);
    this.data(data);
  }
  cdataNode(id: number, data: string): void {
    this.#nodeId(NodeKind.CData, id);
    this.data(data);
  }
  doctypeNode(id: number, name: string, publicId: string, systemId: string): void {
    this.#nodeId(NodeKind.Doctype, id);
    this.name(name);
    this.value(publicId);
    this.value(systemId);
  }
  /** Starts a document; children follow, then `end()`. */
  documentNode(id: number, mode: 'no-quirks' | 'quirks' | 'limited-quirks'): void {
    this.#nodeId(NodeKind.Document, id);
    this.#w.u8(mode === 'quirks' ? 1 : mode === 'limited-quirks' ? 2 : 0);
  }
  /** Starts a shadow root; children follow, then `end()`. */
  shadowNode(id: number, mode: 'open' | 'closed'): void {
    this.#nodeId(NodeKind.Shadow, id);
    this.#w.u8(mode === 'closed' ? 1 : 0);
  }
  /** Starts a template's content; children follow, then `end()`. */
  fragmentNode(id: number): void {
    this.#nodeId(NodeKind.Fragment, id);
  }
  /** Moves an existing node (and its subtree) here. */
  refNode(id: number): void {
    const w = this.#w;
    w.u8(NodeKind.Ref);
    w.uv(id);
  }
  /** Closes a child list. */
  end(): void {
    this.#w.u8(NodeKind.End);
  }
}

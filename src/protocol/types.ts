// Frames as plain data: what the decoder returns and what `encodeFrame` takes (for tools and tests).
import type { DialogState, NodeKind, OpCode } from './constants.js';

/** Where a node of a TREE goes, relative to its parent in the same tree. */
export type NodeSlot = 'child' | 'shadow' | 'content' | 'document';

interface NodeBase {
  id: number;
  /** Index of the parent in the tree's `nodes` array, -1 for the tree's root. */
  parent: number;
  slot: NodeSlot;
}
export interface ElementNode extends NodeBase {
  kind: NodeKind.HtmlElement | NodeKind.SvgElement | NodeKind.MathElement | NodeKind.OtherElement;
  /** Namespace URI, only for OtherElement. */
  ns?: string;
  name: string;
  /** Attribute names and values, alternating: [name0, value0, name1, value1, ...]. */
  attrs: string[];
  value?: string;
  checked?: boolean;
  selected?: boolean;
  /** An `<img>` the sharer's page has not loaded yet. */
  unloaded?: boolean;
}
export interface DataNode extends NodeBase {
  kind: NodeKind.Text | NodeKind.Comment | NodeKind.CData;
  data: string;
}
export interface DoctypeNode extends NodeBase {
  kind: NodeKind.Doctype;
  name: string;
  publicId: string;
  systemId: string;
}
export interface DocumentNode extends NodeBase {
  kind: NodeKind.Document;
  /** The document's compatMode: a srcdoc page without doctype is still 'no-quirks'. */
  mode: DocumentMode;
}
export type DocumentMode = 'no-quirks' | 'quirks' | 'limited-quirks';
export interface ContainerNode extends NodeBase {
  kind: NodeKind.Fragment;
}
export interface ShadowNode extends NodeBase {
  kind: NodeKind.Shadow;
  mode: 'open' | 'closed';
}
/** An existing node (with its subtree) moved to this place. */
export interface RefNode extends NodeBase {
  kind: NodeKind.Ref;
}
export type WireNode = ElementNode | DataNode | DoctypeNode | DocumentNode | ContainerNode | ShadowNode | RefNode;

export type Op =
  | { op: OpCode.Meta; url: string }
  | { op: OpCode.Viewport; width: number; height: number; dpr: number }
  /** `nodes` in document order (pre-order); `nodes[0]` is the root of the inserted subtree. */
  | { op: OpCode.Tree; parent: number; before: number; nodes: WireNode[] }
  | { op: OpCode.Remove; id: number }
  | { op: OpCode.Text; id: number; data: string }
  | { op: OpCode.Attr; id: number; name: string; value: string }
  | { op: OpCode.AttrDel; id: number; name: string }
  | { op: OpCode.Value; id: number; value: string }
  | { op: OpCode.Checked; id: number; checked: boolean }
  | { op: OpCode.Selected; id: number; selected: boolean }
  | { op: OpCode.Scroll; id: number; x: number; y: number }
  | { op: OpCode.Focus; id: number }
  | { op: OpCode.Selection; anchor: number; anchorOffset: number; focus: number; focusOffset: number }
  | { op: OpCode.Hover; id: number }
  | { op: OpCode.Pointer; x: number; y: number }
  | { op: OpCode.Click; x: number; y: number }
  | { op: OpCode.SheetNew; sheet: number; document: number }
  | { op: OpCode.SheetRules; ref: number; rules: string[] }
  | { op: OpCode.SheetInsert; ref: number; index: number; rule: string }
  | { op: OpCode.SheetDelete; ref: number; index: number }
  | { op: OpCode.Adopt; target: number; sheets: number[] }
  | { op: OpCode.Media; id: number; paused: boolean; time: number; rate: number; muted: boolean }
  | { op: OpCode.Canvas; id: number; image: string }
  | { op: OpCode.Dialog; id: number; state: DialogState }
  | { op: OpCode.Loaded; id: number };

export interface Frame {
  kind: 'snapshot' | 'delta';
  seq: number;
  ops: Op[];
}

// Whole frames as plain data <-> bytes, for tools, tests and fuzzing. The live path uses
// FrameEncoder / FrameDecoder directly.
import { ElementFlag, FrameKind, NodeKind, OpCode } from './constants.js';
import { FrameDecoder } from './decoder.js';
import { FrameEncoder } from './encoder.js';
import type { Frame, WireNode } from './types.js';

/**
 * Encodes a frame. Pass the same encoder for a sequence of frames, so the string table stays in step
 * with a decoder that reads them in order.
 */
export function encodeFrame(frame: Frame, encoder = new FrameEncoder()): Uint8Array {
  const e = encoder;
  e.begin(frame.kind === 'snapshot' ? FrameKind.Snapshot : FrameKind.Delta, frame.seq);
  for (const op of frame.ops) {
    switch (op.op) {
      case OpCode.Meta:
        e.meta(op.url);
        break;
      case OpCode.Viewport:
        e.viewport(op.width, op.height, op.dpr);
        break;
      case OpCode.Tree:
        e.tree(op.parent, op.before);
        writeTree(e, op.nodes);
        break;
      case OpCode.Remove:
        e.remove(op.id);
        break;
      case OpCode.Text:
        e.text(op.id, op.data);
        break;
      case OpCode.Attr:
        e.attr(op.id, op.name, op.value);
        break;
      case OpCode.AttrDel:
        e.attrDel(op.id, op.name);
        break;
      case OpCode.Value:
        e.inputValue(op.id, op.value);
        break;
      case OpCode.Checked:
        e.checked(op.id, op.checked);
        break;
      case OpCode.Selected:
        e.selected(op.id, op.selected);
        break;
      case OpCode.Scroll:
        e.scroll(op.id, op.x, op.y);
        break;
      case OpCode.Focus:
        e.focus(op.id);
        break;
      case OpCode.Selection:
        e.selection(op.anchor, op.anchorOffset, op.focus, op.focusOffset);
        break;
      case OpCode.Hover:
        e.hover(op.id);
        break;
      case OpCode.Pointer:
        e.pointer(op.x, op.y);
        break;
      case OpCode.Click:
        e.click(op.x, op.y);
        break;
      case OpCode.SheetNew:
        e.sheetNew(op.sheet, op.document);
        break;
      case OpCode.SheetRules:
        e.sheetRules(op.ref, op.rules);
        break;
      case OpCode.SheetInsert:
        e.sheetInsert(op.ref, op.index, op.rule);
        break;
      case OpCode.SheetDelete:
        e.sheetDelete(op.ref, op.index);
        break;
      case OpCode.Adopt:
        e.adopt(op.target, op.sheets);
        break;
      case OpCode.Media:
        e.media(op.id, op.paused, op.time, op.rate, op.muted);
        break;
      case OpCode.Canvas:
        e.canvas(op.id, op.image);
        break;
      case OpCode.Dialog:
        e.dialog(op.id, op.state);
        break;
      case OpCode.Loaded:
        e.loaded(op.id);
        break;
    }
  }
  return e.finish();
}

/** Decodes one self-contained frame (a snapshot, or a delta that uses no earlier strings). */
export function decodeFrame(bytes: Uint8Array): Frame {
  return new FrameDecoder().decode(bytes);
}

/** Writes a tree given in pre-order with parent indices and slots (as the decoder returns it). */
function writeTree(e: FrameEncoder, nodes: WireNode[]): void {
  // children of each node, and its extras, from the parent indices
  const children: number[][] = nodes.map(() => []);
  const extra = new Map<number, Partial<Record<'shadow' | 'content' | 'document', number>>>();
  nodes.forEach((n, i) => {
    if (n.parent < 0) return;
    if (n.slot === 'child') children[n.parent]!.push(i);
    else extra.set(n.parent, { ...extra.get(n.parent), [n.slot]: i });
  });
  // iterative walk: a stack of tasks, each "open node i" or "close node i"
  const stack: number[] = [0];
  while (stack.length) {
    const task = stack.pop()!;
    if (task < 0) {
      const i = -task - 1;
      e.end();
      const x = extra.get(i);
      // extras after the children, pushed in reverse
      const after = [x?.document, x?.content, x?.shadow].filter((v): v is number => v !== undefined);
      for (const j of after) stack.push(j);
      continue;
    }
    const n = nodes[task]!;
    switch (n.kind) {
      case NodeKind.Ref:
        e.refNode(n.id);
        continue;
      case NodeKind.Text:
        e.textNode(n.id, n.data);
        continue;
      case NodeKind.Comment:
        e.commentNode(n.id, n.data);
        continue;
      case NodeKind.CData:
        e.cdataNode(n.id, n.data);
        continue;
      case NodeKind.Doctype:
        e.doctypeNode(n.id, n.name, n.publicId, n.systemId);
        continue;
      case NodeKind.Document:
        e.documentNode(n.id, n.mode);
        break;
      case NodeKind.Fragment:
        e.fragmentNode(n.id);
        break;
      case NodeKind.Shadow:
        e.shadowNode(n.id, n.mode);
        break;
      default: {
        e.element(n.id, n.kind, n.name, n.ns);
        for (let a = 0; a < n.attrs.length; a += 2) e.attribute(n.attrs[a]!, n.attrs[a + 1]!);
        const x = extra.get(task);
        let flags = 0;
        if (n.value !== undefined) flags |= ElementFlag.Value;
        if (n.checked) flags |= ElementFlag.Checked;
        if (n.selected) flags |= ElementFlag.Selected;
        if (n.unloaded) flags |= ElementFlag.Unloaded;
        if (x?.shadow !== undefined) flags |= ElementFlag.Shadow;
        if (x?.content !== undefined) flags |= ElementFlag.Template;
        if (x?.document !== undefined) flags |= ElementFlag.Frame;
        e.elementFlags(flags, n.value);
      }
    }
    stack.push(-task - 1);
    const kids = children[task]!;
    for (let k = kids.length - 1; k >= 0; k--) stack.push(kids[k]!);
  }
}

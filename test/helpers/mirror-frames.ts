// Frame crafting for mirror tests: nested node specs -> WireNode arrays, and a sharer-side stream
// that keeps one FrameEncoder (string table in step) and the seq.
import { encodeFrame } from '../../src/protocol/frame.js';
import { FrameEncoder } from '../../src/protocol/encoder.js';
import { NodeKind, OpCode } from '../../src/protocol/constants.js';
import type { DocumentMode, Op, WireNode } from '../../src/protocol/types.js';

export interface Spec {
  node: Omit<WireNode, 'parent' | 'slot'> & Record<string, unknown>;
  children?: Spec[];
  shadow?: Spec;
  content?: Spec;
  doc?: Spec;
}
type Extras = { shadow?: Spec; content?: Spec; doc?: Spec; value?: string; checked?: boolean; selected?: boolean };

const elem =
  (kind: number) =>
  (id: number, name: string, attrs: Record<string, string> = {}, children: Array<Spec | string> = [], x: Extras = {}): Spec => {
    const node: Record<string, unknown> = { kind, id, name, attrs: Object.entries(attrs).flat() };
    if (x.value !== undefined) node.value = x.value;
    if (x.checked) node.checked = true;
    if (x.selected) node.selected = true;
    let auto = id * 1000; // ids for bare string children
    const spec: Spec = {
      node: node as Spec['node'],
      children: children.map((c) => (typeof c === 'string' ? t(++auto, c) : c)),
    };
    if (x.shadow) spec.shadow = x.shadow;
    if (x.content) spec.content = x.content;
    if (x.doc) spec.doc = x.doc;
    return spec;
  };
export const h = elem(NodeKind.HtmlElement);
export const svg = elem(NodeKind.SvgElement);
export const t = (id: number, data: string): Spec => ({ node: { kind: NodeKind.Text, id, data } as Spec['node'] });
export const comment = (id: number, data: string): Spec => ({ node: { kind: NodeKind.Comment, id, data } as Spec['node'] });
export const doctype = (id: number, name = 'html', publicId = '', systemId = ''): Spec => ({
  node: { kind: NodeKind.Doctype, id, name, publicId, systemId } as Spec['node'],
});
/**
 * A DOCUMENT node. Its `mode` (the sharer's compatMode) defaults to what a parsed page would get: quirks
 * without a doctype child, limited-quirks for an XHTML 1.0 Transitional/Frameset doctype, else no-quirks.
 * Use {@link docIn} to give it explicitly (a srcdoc page without doctype is no-quirks).
 */
export const doc = (id: number, ...children: Spec[]): Spec => {
  const dt = children.find((c) => c.node.kind === NodeKind.Doctype)?.node as { publicId?: string } | undefined;
  const mode: DocumentMode = !dt
    ? 'quirks'
    : /XHTML 1\.0 (Transitional|Frameset)/i.test(dt.publicId ?? '')
      ? 'limited-quirks'
      : 'no-quirks';
  return docIn(id, mode, ...children);
};
export const docIn = (id: number, mode: DocumentMode, ...children: Spec[]): Spec => ({
  node: { kind: NodeKind.Document, id, mode } as Spec['node'],
  children,
});
export const shadow = (id: number, mode: 'open' | 'closed', ...children: Spec[]): Spec => ({
  node: { kind: NodeKind.Shadow, id, mode } as Spec['node'],
  children,
});
export const frag = (id: number, ...children: Spec[]): Spec => ({ node: { kind: NodeKind.Fragment, id } as Spec['node'], children });
export const ref = (id: number): Spec => ({ node: { kind: NodeKind.Ref, id } as Spec['node'] });

/** Pre-order flattening with parent indices and slots (iterative: deep specs are fine). */
export function flatten(root: Spec): WireNode[] {
  const out: WireNode[] = [];
  const stack: Array<[Spec, number, WireNode['slot']]> = [[root, -1, 'child']];
  while (stack.length) {
    const [s, parent, slot] = stack.pop()!;
    const index = out.length;
    out.push({ ...s.node, parent, slot } as WireNode);
    const next: Array<[Spec, number, WireNode['slot']]> = [];
    for (const c of s.children ?? []) next.push([c, index, 'child']);
    if (s.shadow) next.push([s.shadow, index, 'shadow']);
    if (s.content) next.push([s.content, index, 'content']);
    if (s.doc) next.push([s.doc, index, 'document']);
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]!);
  }
  return out;
}

export const tree = (parent: number, before: number, spec: Spec): Op => ({ op: OpCode.Tree, parent, before, nodes: flatten(spec) });

/** A standard page: doctype, html(2) > head(3) + body(4) with the given body children. */
export function page(body: Array<Spec | string> = [], head: Spec[] = [], withDoctype = true): Op {
  const kids: Spec[] = [];
  if (withDoctype) kids.push(doctype(99_999_999));
  kids.push(h(2, 'html', {}, [h(3, 'head', {}, head), h(4, 'body', {}, body)]));
  return tree(0, 0, doc(1, ...kids));
}

export class Sharer {
  enc = new FrameEncoder();
  seq = 0;
  snapshot(...ops: Op[]): Uint8Array {
    return encodeFrame({ kind: 'snapshot', seq: this.seq, ops }, this.enc);
  }
  delta(...ops: Op[]): Uint8Array {
    return encodeFrame({ kind: 'delta', seq: ++this.seq, ops }, this.enc);
  }
  /**
   * A frame the mirror is expected to reject: encoded without keeping the strings it interns (the
   * viewer will not commit them either), and without advancing seq.
   */
  bad(ops: Op[], seq = this.seq + 1, kind: 'delta' | 'snapshot' = 'delta'): Uint8Array {
    const e = this.enc as unknown as { persistent: Map<string, number>; persistentList: string[] };
    const map = new Map(e.persistent);
    const list = e.persistentList.slice();
    try {
      return encodeFrame({ kind, seq, ops }, this.enc);
    } finally {
      e.persistent.clear();
      for (const [k, v] of map) e.persistent.set(k, v);
      e.persistentList.length = 0;
      e.persistentList.push(...list);
    }
  }
}

export function mount(): HTMLDivElement {
  const c = document.createElement('div');
  c.style.width = '800px';
  document.body.appendChild(c);
  return c;
}

// One batch of MutationObserver records reduced to its net sets: nodes added, nodes removed, texts
// changed, and the attribute names changed per element (in first-change order). The sets are reused
// from batch to batch; `clear()` drops the nodes once the batch is written.
import { XLINK_NS, XML_NS, XMLNS_NS } from '../dom/safe-dom.js';

export class MutationBatch {
  readonly added = new Set<Node>();
  readonly removed = new Set<Node>();
  readonly texts = new Set<Node>();
  readonly attrs = new Map<Element, string[]>();

  collect(records: readonly MutationRecord[]): void {
    const { added, removed, texts, attrs } = this;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      if (r.type === 'childList') {
        const a = r.addedNodes;
        for (let j = 0; j < a.length; j++) added.add(a[j]!);
        const d = r.removedNodes;
        for (let j = 0; j < d.length; j++) removed.add(d[j]!);
      } else if (r.type === 'characterData') {
        texts.add(r.target);
      } else {
        const el = r.target as Element;
        const name = qualifiedName(r.attributeName!, r.attributeNamespace);
        const names = attrs.get(el);
        if (!names) attrs.set(el, [name]);
        else if (!names.includes(name)) names.push(name);
      }
    }
  }

  clear(): void {
    this.added.clear();
    this.removed.clear();
    this.texts.clear();
    this.attrs.clear();
  }
}

/** The name `getAttribute` takes for a record's attribute (xlink:href and friends keep their prefix). */
export function qualifiedName(local: string, ns: string | null): string {
  if (!ns) return local;
  if (ns === XLINK_NS) return `xlink:${local}`;
  if (ns === XML_NS) return `xml:${local}`;
  if (ns === XMLNS_NS) return local === 'xmlns' ? local : `xmlns:${local}`;
  return local;
}

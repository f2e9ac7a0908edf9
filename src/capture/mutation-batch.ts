// One batch of MutationObserver records reduced to its net sets: nodes added, nodes removed, texts
// changed, and the attributes changed per element (in first-change order) with each one's value when
// the batch began. The sets are reused from batch to batch; `clear()` drops the nodes once the batch is written.
import { XLINK_NS, XML_NS, XMLNS_NS } from '../dom/safe-dom.js';

export class MutationBatch {
  readonly added = new Set<Node>();
  readonly removed = new Set<Node>();
  readonly texts = new Set<Node>();
  /**
   * Per element: name, value before the batch's first change of it (null: absent), name, value, ...
   * An attribute set again to the value it had (React writes `type` on every render) changed nothing.
   */
  readonly attrs = new Map<Element, (string | null)[]>();
  /**
   * Elements among `attrs` with a change of an attribute `maskName` accepts (once per such name): the
   * few whose masking can have changed, so the many others (a class on 10,000 rows) are not looked at.
   */
  readonly maskChanges: Element[] = [];

  constructor(
    /** Whether a change of this attribute of this element can change masking (MaskPolicy.dependsOn and the like). */
    private readonly maskName: (el: Element, name: string) => boolean,
  ) {}

  collect(records: readonly MutationRecord[]): void {
    const { added, removed, texts, attrs, maskName, maskChanges } = this;
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
        const changes = attrs.get(el);
        if (!changes) attrs.set(el, [name, r.oldValue]);
        else if (!hasName(changes, name)) changes.push(name, r.oldValue);
        else continue;
        if (maskName(el, name)) maskChanges.push(el);
      }
    }
  }

  clear(): void {
    this.added.clear();
    this.removed.clear();
    this.texts.clear();
    this.attrs.clear();
    this.maskChanges.length = 0;
  }
}

/** Whether `name` is among the names (even places) of an element's changes. */
function hasName(changes: readonly (string | null)[], name: string): boolean {
  for (let i = 0; i < changes.length; i += 2) if (changes[i] === name) return true;
  return false;
}

/** The name `getAttribute` takes for a record's attribute (xlink:href and friends keep their prefix). */
export function qualifiedName(local: string, ns: string | null): string {
  if (!ns) return local;
  if (ns === XLINK_NS) return `xlink:${local}`;
  if (ns === XML_NS) return `xml:${local}`;
  if (ns === XMLNS_NS) return local === 'xmlns' ? local : `xmlns:${local}`;
  return local;
}

// The delta builder's first step alone: a batch of real MutationObserver records reduced to its net
// sets (mutation-batch.ts), the attribute names as getAttribute takes them.
import { afterEach, beforeEach, describe, it } from './helpers/assert.js';
import { MutationBatch } from '../src/capture/mutation-batch.js';
import { eq } from './helpers/watchers-harness.js';

const XLINK = 'http://www.w3.org/1999/xlink';
const XML = 'http://www.w3.org/XML/1998/namespace';
const XMLNS = 'http://www.w3.org/2000/xmlns/';

describe('capture: one batch of mutation records (MutationBatch)', () => {
  let box: HTMLElement;
  let observer: MutationObserver;
  beforeEach(() => {
    box = document.createElement('div');
    document.body.append(box);
    observer = new MutationObserver(() => {});
    observer.observe(box, { childList: true, subtree: true, attributes: true, attributeOldValue: true, characterData: true });
  });
  afterEach(() => {
    observer.disconnect();
    box.remove();
  });

  it('attribute names keep their xlink:, xml: and xmlns: prefixes, once each, in first-change order, each with its value before the batch', () => {
    box.innerHTML = '<svg><use></use></svg><p class="w">t</p>';
    observer.takeRecords();
    const use = box.querySelector('use')!;
    const p = box.querySelector('p')!;
    use.setAttributeNS(XLINK, 'xlink:href', '#a');
    p.setAttribute('class', 'x');
    use.setAttributeNS(XML, 'xml:lang', 'en');
    use.setAttributeNS(XMLNS, 'xmlns:foo', 'urn:foo');
    use.setAttributeNS(XLINK, 'xlink:href', '#b'); // again: one entry
    use.setAttribute('class', 'y');
    const batch = new MutationBatch((_el, name) => name === 'class');
    batch.collect(observer.takeRecords());
    eq(
      batch.maskChanges.map((el) => el.localName),
      ['p', 'use'],
      'the elements with a change the predicate accepts (masking could change), once per name, in order',
    );
    eq(
      [...batch.attrs.keys()].map((el) => el.localName),
      ['use', 'p'],
      'elements in first-change order',
    );
    const names = (el: Element) => batch.attrs.get(el)!.filter((_, i) => i % 2 === 0) as string[];
    eq(names(use), ['xlink:href', 'xml:lang', 'xmlns:foo', 'class'], 'names as getAttribute takes them');
    for (const name of names(use)) eq(use.getAttribute(name) !== null, true, `getAttribute(${name}) finds it`);
    eq(batch.attrs.get(p), ['class', 'w'], 'the other element, with the value it had before the batch');
    eq(batch.attrs.get(use)![1], null, 'an attribute the element did not have: null');
    batch.clear();
    eq(batch.attrs.size + batch.maskChanges.length, 0, 'cleared');
  });

  it('added, removed and text sets are the net of the records; clear() empties them', () => {
    box.innerHTML = '<p>one</p>';
    observer.takeRecords();
    const p = box.querySelector('p')!;
    const text = p.firstChild as Text;
    const a = document.createElement('i');
    const b = document.createElement('b');
    box.append(a, b);
    box.append(a); // moved within the batch: one entry
    b.remove();
    text.data = 'two';
    text.data = 'three';
    const batch = new MutationBatch(() => false);
    batch.collect(observer.takeRecords());
    eq(
      [...batch.added].map((n) => n.nodeName),
      ['I', 'B'],
      'added, once each',
    );
    eq(
      [...batch.removed].map((n) => n.nodeName),
      ['I', 'B'],
      'removed, once each',
    );
    eq(batch.texts.size === 1 && batch.texts.has(text), true, 'one text change, the node itself');
    batch.clear();
    eq(batch.added.size + batch.removed.size + batch.texts.size + batch.attrs.size, 0, 'cleared');
  });
});

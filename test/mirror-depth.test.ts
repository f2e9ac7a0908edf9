// The render depth cap (src/mirror/depth.ts): a hostile page can send a tree deep enough to crash the
// agent's renderer when laid out (Chromium: 290 inline-tables, 2,950 blocks; bench/depth-limits.mjs),
// hidden on its own side and shown in the script-less mirror. The mirror lays nothing out deeper than
// MAX_RENDER_DEPTH and keeps the rest, held out of its documents, for later ops. Each test lays the mirror
// out (the crash, if any, happens there) and measures what is laid out on the browser's own flat tree
// (shadow trees with their slots' assigned nodes, frame documents), not on the mirror's model.
import { Mirror } from '../src/mirror/index.js';
import { slicing } from '../src/mirror/slices.js';
import { MAX_RENDER_DEPTH as CAP, OpCode } from '../src/protocol/constants.js';
import { describe, equal, it, nextFrame, ok, sleep } from './helpers/mirror-assert.js';
import { Sharer, doc, doctype, h, mount, page, ref, shadow, t, tree, type Spec } from './helpers/mirror-frames.js';

const CUT = 'data-cobrowse-mirror-cut';

/** `n` nested `name` elements, ids first … first + n − 1, the last holding the text `leaf` (id first + n). */
function chain(first: number, n: number, name = 'div', leaf = 'leaf', bottom: Spec[] = []): Spec {
  let s = h(first + n - 1, name, {}, [t(first + n, leaf), ...bottom]);
  for (let i = n - 2; i >= 0; i--) s = h(first + i, name, {}, [s]);
  return s;
}

/** The flat-tree children of a node, as the browser lays them out. */
function flatChildren(n: Node): Node[] {
  const el = n as Element;
  if (n.nodeType === Node.ELEMENT_NODE && el.shadowRoot) return [...el.shadowRoot.childNodes];
  if (n.nodeType === Node.ELEMENT_NODE && el.localName === 'slot' && el.getRootNode().nodeType === Node.DOCUMENT_FRAGMENT_NODE) {
    const assigned = (el as HTMLSlotElement).assignedNodes();
    return assigned.length ? assigned : [...el.childNodes];
  }
  return [...n.childNodes];
}

/** The level of the deepest element laid out in `d` (its root element is 1), through shadow trees and frames. */
function laidOutDepth(d: Document): number {
  let max = 0;
  const stack: Array<[Node, number]> = [[d, 0]];
  while (stack.length) {
    const [n, depth] = stack.pop()!;
    for (const c of flatChildren(n)) {
      if (c.nodeType !== Node.ELEMENT_NODE) continue;
      max = Math.max(max, depth + 1);
      stack.push([c, depth + 1]);
      const inner = (c as Element).localName === 'iframe' ? (c as HTMLIFrameElement).contentDocument : null;
      if (inner) stack.push([inner, depth + 1]);
    }
  }
  return max;
}

/** Lays the mirror out and paints it twice (where a too-deep tree would take the tab down). */
async function render(m: Mirror): Promise<void> {
  m.document!.documentElement.getBoundingClientRect();
  await nextFrame();
  await nextFrame();
}

function setup(opts: ConstructorParameters<typeof Mirror>[1] = {}): { m: Mirror; s: Sharer; done: () => void } {
  const c = mount();
  c.style.height = '600px';
  const m = new Mirror(c, opts);
  return {
    m,
    s: new Sharer(),
    done: () => {
      m.destroy();
      c.remove();
    },
  };
}

/** In a document that is shown: connected to one with a window (a held node is in a fragment or a windowless document). */
const laidOut = (m: Mirror, id: number): boolean => {
  const root = m.node(id)?.getRootNode({ composed: true });
  return root?.nodeType === Node.DOCUMENT_NODE && (root as Document).defaultView !== null;
};
const cuts = (m: Mirror): number => m.document!.querySelectorAll(`[${CUT}]`).length;
/** The body a chain of `n` divs from the body shows: levels 3 … CAP, the one at CAP empty and marked. */
const cutChainHtml = (n: number): string =>
  n + 2 <= CAP
    ? `${'<div>'.repeat(n)}leaf${'</div>'.repeat(n)}`
    : `${'<div>'.repeat(CAP - 3)}<div ${CUT}=""></div>${'</div>'.repeat(CAP - 3)}`;

describe('mirror: render depth cap', () => {
  it('a snapshot deeper than the cap shows the page down to the cap; ops on the held rest apply', async () => {
    const { m, s, done } = setup();
    const n = CAP + 300; // levels 3 … CAP + 302
    m.apply(s.snapshot(page([chain(10, n)])));
    await render(m);
    equal(laidOutDepth(m.document!), CAP, 'laid out down to the cap');
    equal(m.document!.body.innerHTML, cutChainHtml(n), 'the page as shown');
    equal((m.node(10 + CAP - 3) as Element).getAttribute(CUT), '', 'the element at the cap is marked');
    ok(!laidOut(m, 10 + CAP - 2) && !laidOut(m, 10 + n), 'deeper nodes are held');
    equal((m.node(10 + n) as Text).data, 'leaf');
    // later ops name held nodes: attributes, text, additions, removals all apply
    m.apply(
      s.delta(
        { op: OpCode.Attr, id: 10 + n - 1, name: 'title', value: 'deepest' },
        { op: OpCode.Text, id: 10 + n, data: 'changed' },
        tree(10 + CAP + 50, 0, h(90_000, 'p', {}, [t(90_001, 'added')])),
        // before the first held child of the element at the cap: held too, in its place
        tree(10 + CAP - 3, 10 + CAP - 2, h(91_000, 'i')),
      ),
    );
    equal(m.needsSnapshot, false, 'applied cleanly');
    equal((m.node(10 + n - 1) as Element).getAttribute('title'), 'deepest');
    equal((m.node(10 + n) as Text).data, 'changed');
    equal(m.node(90_000)!.parentNode, m.node(10 + CAP + 50), 'added under its held parent');
    equal(m.node(91_000)!.nextSibling, m.node(10 + CAP - 2), 'added before the held child');
    ok(!laidOut(m, 91_000) && (m.node(10 + CAP - 3) as Element).childNodes.length === 0, 'the element at the cap shows no child');
    const removed = m.node(10 + CAP + 100)!;
    m.apply(s.delta({ op: OpCode.Remove, id: 10 + CAP + 100 }));
    equal(removed.parentNode, null, 'removed');
    equal(m.node(10 + n), undefined, 'released with its removed ancestor');
    // a held subtree moved up is shown again (80 levels: 3 … 82, its <p> at 34)
    const up = 10 + CAP + 20;
    m.apply(s.delta(tree(4, 0, ref(up))));
    await render(m);
    ok(laidOut(m, up) && laidOut(m, 90_001), 'the moved subtree is laid out, down to its bottom');
    equal((m.node(90_001) as Text).data, 'added');
    equal(laidOutDepth(m.document!), CAP, 'the first chain still reaches the cap');
    m.apply(s.delta({ op: OpCode.Remove, id: 10 }));
    equal(m.node(10 + CAP), undefined, 'the held part of a removed subtree is released with it');
    equal(m.node(91_000), undefined);
    await render(m);
    equal(laidOutDepth(m.document!), 82, 'what is left: the moved chain');
    equal(cuts(m), 0, 'nothing is cut any more');
    done();
  });

  it('deltas that grow the tree level by level never lay it out past the cap; the mirror says part is left out', async () => {
    const { m, s, done } = setup();
    m.apply(s.snapshot(page([chain(10, CAP - 6)]))); // levels 3 … CAP − 4
    equal(m.partial, false, 'the whole page is shown');
    let deepest = 10 + CAP - 7;
    for (let level = CAP - 3; level <= CAP + 4; level++) {
      const id = 1000 + level;
      m.apply(s.delta(tree(deepest, 0, h(id, 'div', { class: `l${level}` }))));
      deepest = id;
      await render(m);
      equal(m.needsSnapshot, false);
      equal(laidOutDepth(m.document!), Math.min(level, CAP), `after adding level ${level}`);
      equal(laidOut(m, id), level <= CAP, `level ${level} laid out`);
      equal(m.partial, level > CAP, `partial after adding level ${level}`);
      equal((m.node(id) as Element).className, `l${level}`);
    }
    // a whole deep chain added under a held node, and one added right at the cap
    m.apply(s.delta(tree(deepest, 0, chain(5000, 500)), tree(1000 + CAP - 1, 0, chain(7000, 3, 'span'))));
    await render(m);
    equal(laidOutDepth(m.document!), CAP);
    ok(laidOut(m, 7000) && !laidOut(m, 7001) && !laidOut(m, 5000), 'the added span at the cap is laid out, not its children');
    equal((m.node(5500) as Text).data, 'leaf');
    equal(cuts(m), 2, 'the two elements at the cap are marked');
    m.apply(s.snapshot(page([chain(10, 5)])));
    equal(m.partial, false, 'a new page starts whole');
    done();
  });

  it('a REF move of a deep subtree under a deep node is cut where it lands, and shown whole when it comes back', async () => {
    const { m, s, done } = setup();
    // A: levels 3 … CAP − 10; B: 150 levels, 3 … 152
    m.apply(s.snapshot(page([chain(10, CAP - 12, 'div', 'a'), chain(5000, 150, 'section', 'b')])));
    const aBottom = 10 + CAP - 13;
    await render(m);
    equal(laidOutDepth(m.document!), CAP - 10);
    m.apply(s.delta(tree(aBottom, 0, ref(5000))));
    await render(m);
    equal(m.needsSnapshot, false);
    equal(laidOutDepth(m.document!), CAP, 'B under A: cut at the cap');
    // B's root lands at CAP − 9: its element at the cap is number 9 of its chain
    ok(laidOut(m, 5009) && !laidOut(m, 5010) && !laidOut(m, 5150), 'B down to the cap, the rest held');
    equal((m.node(5009) as Element).hasAttribute(CUT), true);
    // deeper still: A (with B inside) moved under another deep node: its cut moves up
    const mid = 10 + CAP - 43; // level CAP − 40
    m.apply(s.delta(tree(mid, 0, h(9500, 'u'))));
    m.apply(s.delta(tree(4, 0, chain(9000, 30, 'p', 'c')), tree(9029, 0, ref(10))));
    await render(m);
    equal(laidOutDepth(m.document!), CAP);
    ok(laidOut(m, 10 + CAP - 33) && !laidOut(m, 10 + CAP - 32), 'A now reaches the cap 30 levels earlier');
    ok(!laidOut(m, 5000), 'B is held whole');
    // an add under a node that moved 30 levels deeper (at CAP − 10 now) is cut from there
    m.apply(s.delta(tree(mid, 0, chain(9600, 20, 'em'))));
    await render(m);
    equal(laidOutDepth(m.document!), CAP);
    ok(laidOut(m, 9609) && !laidOut(m, 9610), 'the added chain: levels CAP − 9 … CAP laid out');
    m.apply(s.delta({ op: OpCode.Remove, id: 9600 }, { op: OpCode.Remove, id: 9500 }));
    // back up: B under the body is laid out whole, A under the body too, nothing is cut
    m.apply(s.delta(tree(4, 0, ref(5000)), tree(4, 0, ref(10))));
    await render(m);
    equal(laidOutDepth(m.document!), CAP - 10);
    ok(laidOut(m, 5150) && laidOut(m, 10 + CAP - 12), 'both chains laid out down to their text');
    equal(cuts(m), 0);
    equal((m.node(5150) as Text).data, 'b');
    done();
  });

  it('an add under a node that a move took deeper is cut from where the node is now', async () => {
    const { m, s, done } = setup();
    // X at level 50 (chain 10 … 57 from level 3), a 100-level chain beside it (levels 3 … 102)
    m.apply(s.snapshot(page([chain(10, 48), chain(1000, 100, 'p', 'deep')])));
    m.apply(s.delta(tree(57, 0, h(2000, 'i')))); // an add under X: X's place is known now
    m.apply(s.delta(tree(1099, 0, ref(10)))); // X's chain under level 102: X at 150, nothing cut yet
    await render(m);
    equal(laidOutDepth(m.document!), 151); // X's <i>
    equal(cuts(m), 0);
    m.apply(s.delta(tree(57, 0, chain(3000, 100, 'em')))); // levels 151 … 250
    await render(m);
    equal(laidOutDepth(m.document!), CAP);
    ok(laidOut(m, 3000 + CAP - 151) && !laidOut(m, 3000 + CAP - 150), 'the chain added under X is cut at the cap');
    done();
  });

  it('inside a shadow root, and through its slots (light children count from the slot they are laid out in)', async () => {
    const { m, s, done } = setup();
    // host 5 (level 3): its shadow tree holds a chain of CAP + 20 (cut at the cap)
    // host 6 (level 3): its shadow tree puts the slot under 50 divs (slot at level 54); its light chain of
    // 200 is laid out from level 55
    const slotted = chain(3000, 50, 'div', 's', [h(3100, 'slot')]);
    m.apply(
      s.snapshot(
        page([
          h(5, 'div', {}, [], { shadow: shadow(6000, 'open', chain(10, CAP + 20)) }),
          h(6, 'div', {}, [chain(7000, 200, 'span', 'light')], { shadow: shadow(6001, 'open', slotted) }),
        ]),
      ),
    );
    await render(m);
    equal(m.needsSnapshot, false);
    equal(laidOutDepth(m.document!), CAP, 'no shadow tree nor slotted content past the cap');
    ok(laidOut(m, 10 + CAP - 4) && !laidOut(m, 10 + CAP - 3), 'the shadow chain: levels 4 … CAP laid out');
    // the light chain's element k is at level 55 + k
    ok(laidOut(m, 7000 + CAP - 55) && !laidOut(m, 7000 + CAP - 54), 'the light chain down to the cap');
    // the slot moved 20 levels deeper (a REF into a new wrapper chain): the light chain is cut 20 earlier
    m.apply(s.delta(tree(3049, 0, chain(3200, 20, 'div', 'w')), tree(3219, 0, ref(3100))));
    await render(m);
    equal(m.needsSnapshot, false);
    equal(laidOutDepth(m.document!), CAP);
    ok(laidOut(m, 7000 + CAP - 75) && !laidOut(m, 7000 + CAP - 74), 'the light chain 20 levels shorter');
    // a new shadow root whose slot is deep: the light children already there are cut again
    m.apply(s.delta(tree(4, 0, h(8, 'div', {}, [chain(8000, 10, 'b', 'x')]))));
    // its shadow chain runs from level 4, so the slot under its bottom is at the cap
    m.apply(s.delta(tree(8, 0, shadow(6002, 'open', chain(8100, CAP - 4, 'div', 'y', [h(8300, 'slot')])))));
    await render(m);
    equal(laidOutDepth(m.document!), CAP);
    ok(laidOut(m, 8300) && !laidOut(m, 8000), 'the slot is at the cap: the light children of host 8 are held');
    done();
  });

  it('through a frame: its document counts from the frame element', async () => {
    const { m, s, done } = setup();
    const frameDoc = (id: number) =>
      doc(id, doctype(id + 1), h(id + 2, 'html', {}, [h(id + 3, 'head'), h(id + 4, 'body', {}, [chain(id + 10, 50)])]));
    // frame 1 at level CAP − 10: its html at CAP − 9, body CAP − 8, chain from CAP − 7; frame 2 right at the cap
    const near = chain(10, CAP - 13, 'div', 'a', [h(20_000, 'iframe', {}, [], { doc: frameDoc(20_100) })]);
    const at = chain(30_000, CAP - 3, 'div', 'b', [h(40_000, 'iframe', {}, [], { doc: frameDoc(40_100) })]);
    m.apply(s.snapshot(page([near, at])));
    await render(m);
    equal(m.needsSnapshot, false);
    equal(laidOutDepth(m.document!), CAP, 'through the frames, down to the cap');
    const inner = (m.node(20_000) as HTMLIFrameElement).contentDocument!;
    equal(m.node(20_100), inner, 'the frame document is live');
    ok(laidOut(m, 20_110 + 7) && !laidOut(m, 20_110 + 8), 'frame 1: its chain down to the cap');
    equal((m.node(40_000) as HTMLIFrameElement).contentDocument!.childNodes.length, 0, 'frame 2 (at the cap) shows an empty document');
    ok(!laidOut(m, 40_102) && (m.node(40_110) as Element).localName === 'div', 'its nodes are held');
    // the frame at the cap moved up: its document is shown
    m.apply(s.delta(tree(4, 0, ref(40_000))));
    await render(m);
    ok(laidOut(m, 40_160), 'frame 2 moved up: laid out down to its text');
    equal((m.node(40_160) as Text).data, 'leaf');
    done();
  });

  it('a snapshot built over several tasks is cut the same', async () => {
    const saved = { ...slicing };
    slicing.minBytes = 0;
    slicing.sliceMs = 0;
    try {
      let applied = false;
      const { m, s, done } = setup({ onApply: () => (applied = true) });
      const n = CAP + 300;
      m.apply(s.snapshot(page([chain(10, n)])));
      ok(m.building, 'sliced');
      for (let i = 0; !applied && i < 3000; i++) await sleep(10);
      ok(applied, 'applied within 30 s (watchdog)');
      await render(m);
      equal(laidOutDepth(m.document!), CAP);
      equal(m.document!.body.innerHTML, cutChainHtml(n));
      equal((m.node(10 + n) as Text).data, 'leaf');
      done();
    } finally {
      Object.assign(slicing, saved);
    }
  });

  it("a hostile page: 600 nested inline-tables (Chromium's renderer dies laying out 290) leave the agent's tab alive", async () => {
    const { m, s, done } = setup();
    const style = h(5, 'style', {}, [t(6, 'div{display:inline-table;border:1px solid}')]);
    m.apply(s.snapshot(page([chain(10, 600)], [style])));
    await render(m);
    await sleep(100);
    equal(laidOutDepth(m.document!), CAP);
    equal(m.document!.body.innerHTML, cutChainHtml(600));
    ok(m.document!.defaultView!.getComputedStyle(m.node(10) as Element).display === 'inline-table', "the page's style applies");
    done();
  });
});

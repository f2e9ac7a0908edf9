// SVG `<use>` and the render depth cap (src/mirror/uses.ts): a `<use>` lays out a copy of its target, and
// the `<use>`s in that copy copy theirs, so a page can lay out far deeper (Chromium's renderer crashes on
// 42 nested `<use>`s of 190-level chains) or far more (4 `<use>`s a level, 11 levels: a tab busy past a
// minute) than its DOM holds. Each test lays the mirror out (a crash or a hang happens there) and checks
// which `<use>`s keep their reference; an icon sprite must render as on the sharer's page.
import { Mirror } from '../src/mirror/index.js';
import { MAX_RENDER_DEPTH as CAP, MAX_USE_NODES, NodeKind, OpCode } from '../src/protocol/constants.js';
import type { Op } from '../src/protocol/types.js';
import { describe, equal, it, nextFrame, ok, sleep } from './helpers/mirror-assert.js';
import { setup, render } from './helpers/mirror-svg.js';
import { Sharer, h, mount, page, ref, shadow, svg, t, tree, type Spec } from './helpers/mirror-frames.js';

const USE_CUT = 'data-cobrowse-mirror-use-cut';
const XLINK = 'http://www.w3.org/1999/xlink';
const SVG = 'http://www.w3.org/2000/svg';

/** `n` nested `<g>`s, ids first … first + n − 1, the top one with `id`, the deepest holding `bottom`. */
function gChain(first: number, n: number, id: string, bottom: Spec[]): Spec {
  let s = svg(first + n - 1, 'g', n === 1 ? { id } : {}, bottom);
  for (let i = n - 2; i >= 0; i--) s = svg(first + i, 'g', i === 0 ? { id } : {}, [s]);
  return s;
}

/** 60 nested `<div>`s (ids first …), a `<slot>` in the deepest. */
function chain60(first: number): Spec {
  let sp = h(first + 59, 'div', {}, [h(first + 60, 'slot')]);
  for (let i = 58; i >= 0; i--) sp = h(first + i, 'div', {}, [sp]);
  return sp;
}

/** `k` chains of `n` `<g>`s, chain i (id `c<i>`) ending in a `<use>` of chain i + 1, the last in a text. */
function nestedUses(k: number, n: number): { top: Spec; defs: Spec[]; useIds: number[] } {
  const chains: Spec[] = [];
  const useIds: number[] = [];
  for (let i = 0; i < k; i++) {
    const base = 100_000 * (i + 1);
    const end =
      i === k - 1
        ? svg(base + 90_000, 'text', { y: '12' }, [t(base + 90_001, 'bottom')])
        : svg(base + 90_000, 'use', { href: `#c${i + 1}` });
    if (i < k - 1) useIds.push(base + 90_000);
    chains.push(gChain(base, n, `c${i}`, [end]));
  }
  return { top: chains[0]!, defs: chains.slice(1), useIds };
}

const el = (m: Mirror, id: number): Element => m.node(id) as Element;
/** The reference a `<use>` has in the mirror now (null: none, it is cut or never had one). */
const hrefOf = (u: Element): string | null => u.getAttribute('href') ?? u.getAttributeNS(XLINK, 'href');
const isCut = (u: Element): boolean => u.hasAttribute(USE_CUT) && hrefOf(u) === null;
const shown = (u: Element): boolean => !u.hasAttribute(USE_CUT) && hrefOf(u) !== null;

/** The same tree, as the sharer's page would hold it, built in this document (the reference). */
function build(spec: Spec, d: Document = document): Node {
  const n = spec.node as unknown as { kind: number; name: string; attrs: string[]; data: string };
  if (n.kind === NodeKind.Text) return d.createTextNode(n.data);
  const e = d.createElementNS(n.kind === NodeKind.SvgElement ? SVG : 'http://www.w3.org/1999/xhtml', n.name);
  for (let i = 0; i < n.attrs.length; i += 2) {
    const name = n.attrs[i]!;
    if (name.startsWith('xlink:')) e.setAttributeNS(XLINK, name, n.attrs[i + 1]!);
    else e.setAttribute(name, n.attrs[i + 1]!);
  }
  for (const c of spec.children ?? []) e.appendChild(build(c, d));
  return e;
}

/** A page with one `<svg>` (id 5) holding `kids`, and `<defs>` (id 6) holding `defs`. */
const svgPage = (kids: Spec[], defs: Spec[] = []) =>
  page([svg(5, 'svg', { width: '300', height: '200' }, [svg(6, 'defs', {}, defs), ...kids])]);

describe('mirror: SVG <use> copies count toward the depth cap', () => {
  it('an icon sprite renders as on the sharer: symbols, xlink:href, a symbol built from another <use>', async () => {
    const { m, s, done } = setup();
    const star = svg(20, 'symbol', { id: 'star', viewBox: '0 0 24 24' }, [
      svg(21, 'path', { d: 'M12 2l3 7h7l-6 5 2 8-6-5-6 5 2-8-6-5h7z' }),
    ]);
    const badge = svg(30, 'symbol', { id: 'badge', viewBox: '0 0 24 24' }, [
      svg(31, 'circle', { cx: '12', cy: '12', r: '11' }),
      svg(32, 'use', { href: '#star', x: '4', y: '4', width: '16', height: '16' }),
    ]);
    const icons = [
      svg(40, 'use', { href: '#star', x: '0', y: '0', width: '24', height: '24' }),
      svg(41, 'use', { 'xlink:href': '#star', x: '30', y: '0', width: '48', height: '48' }),
      svg(42, 'use', { href: '#badge', x: '90', y: '0', width: '32', height: '32' }),
    ];
    const body = svg(5, 'svg', { width: '300', height: '200' }, [svg(6, 'defs', {}, [star, badge]), ...icons]);
    m.apply(s.snapshot(page([body])));
    await render(m);
    const reference = build(body) as SVGSVGElement;
    document.body.appendChild(reference);
    try {
      for (const id of [32, 40, 41, 42]) ok(shown(el(m, id)), `use ${id} keeps its reference`);
      const uses = reference.querySelectorAll('use');
      for (const [i, id] of [40, 41, 42].entries()) {
        const got = (el(m, id) as SVGUseElement).getBBox();
        const want = (uses[i + 1] as SVGUseElement).getBBox(); // uses[0] is the one inside #badge
        ok(want.width > 0 && want.height > 0, 'the reference icon has a box');
        equal(
          JSON.stringify([got.x, got.y, got.width, got.height]),
          JSON.stringify([want.x, want.y, want.width, want.height]),
          `use ${id}'s box`,
        );
      }
    } finally {
      reference.remove();
      done();
    }
  });

  it("42 nested <use>s of 190-level chains (Chromium's renderer dies on them) are cut, the page lays out", async () => {
    const { m, s, done } = setup();
    const { top, defs, useIds } = nestedUses(42, 190); // DOM: the deepest <use> at level 195, under the cap
    m.apply(s.snapshot(svgPage([top], defs)));
    await render(m);
    equal(m.needsSnapshot, false);
    for (const id of useIds) ok(isCut(el(m, id)), `use ${id} cut and marked`);
    equal(m.document!.querySelectorAll(`[${USE_CUT}]`).length, 41);
    equal(m.partial, true, 'the mirror says part of the page is left out');
    equal((m.node(4_290_001) as Text).data, 'bottom', 'the chains themselves are all there');
    done();
  });

  it('nested <use>s that stay under the cap are shown; one level more is cut; given back when it fits again', async () => {
    const { m, s, done } = setup();
    const { top, defs, useIds } = nestedUses(3, 20);
    // the target of a <use> at level 4 + n is a 100-level chain: its copy reaches level 4 + n + 100
    const n = CAP - 104;
    const deep = gChain(10_000, n, 'deep', [svg(900, 'use', { href: '#t' })]);
    const target = gChain(1000, 100, 't', []);
    const t2 = gChain(3000, 50, 't2', []);
    m.apply(s.snapshot(svgPage([top, deep, svg(950, 'use', { href: '#t2' })], [...defs, target, t2])));
    await render(m);
    for (const id of useIds) ok(shown(el(m, id)), `nested use ${id} shown (3 chains of 20)`);
    ok(shown(el(m, 900)), 'a copy reaching exactly the cap is shown');
    ok((el(m, useIds[0]!) as SVGUseElement).getBBox().height > 0, 'the nested copies lay out down to the text');
    // the target grows by one level: the copy would pass the cap
    m.apply(s.delta(tree(1099, 0, svg(2000, 'g'))));
    await render(m);
    ok(isCut(el(m, 900)), 'cut once its target grew');
    equal(el(m, 900).getAttribute(USE_CUT), '');
    m.apply(s.delta({ op: OpCode.Remove, id: 2000 }));
    await render(m);
    ok(shown(el(m, 900)), 'shown again once it fits');
    equal(hrefOf(el(m, 900)), '#t', 'with its own reference');
    // a <use> of a 50-level chain moved to the bottom of the target: it fits where it lands (level 105),
    // but the copy of the target now holds its copy too (level 100 + 151)
    m.apply(s.delta(tree(1099, 0, ref(950))));
    await render(m);
    ok(shown(el(m, 950)) && isCut(el(m, 900)), 'the moved <use> is shown, the one whose target it entered is cut');
    m.apply(s.delta(tree(5, 0, ref(950))));
    await render(m);
    ok(shown(el(m, 950)) && shown(el(m, 900)), 'moved out again: both shown');
    // the <use> itself moved one level deeper (a REF into a new <g>): cut again
    m.apply(s.delta(tree(10_000 + n - 1, 0, svg(2100, 'g')), tree(2100, 0, ref(900))));
    await render(m);
    ok(isCut(el(m, 900)), 'cut where it landed');
    done();
  });

  it('a fan-out (11 levels of 4 <use>s of the next: a hang past a minute in Chromium) stays within the budget', async () => {
    const { m, s, done } = setup();
    const levels = 11;
    const groups: Spec[] = [];
    const base = (i: number) => 1000 * (i + 1); // group i; its <use>s base + 1 … base + 4
    for (let i = 0; i < levels; i++) {
      const kids =
        i === levels - 1
          ? [svg(base(i) + 1, 'rect', { width: '1', height: '1' })]
          : [1, 2, 3, 4].map((j) => svg(base(i) + j, 'use', { href: `#f${i + 1}` }));
      groups.push(svg(base(i), 'g', { id: `f${i}` }, kids));
    }
    m.apply(s.snapshot(svgPage([svg(50_000, 'use', { href: '#f0' })], groups)));
    await render(m);
    // nodes in a copy of group i: 2 for the last; 1 + each <use> (1) and, if it is shown, its copy
    const size: number[] = [];
    size[levels - 1] = 2;
    let copies = 0;
    for (let i = levels - 2; i >= 0; i--) {
      size[i] = 1;
      for (let j = 1; j <= 4; j++) {
        const on = shown(el(m, base(i) + j));
        size[i] += 1 + (on ? size[i + 1]! : 0);
        if (on) copies += size[i + 1]!;
      }
    }
    ok(copies <= MAX_USE_NODES && copies > MAX_USE_NODES / 2, `copies ${copies}: within the budget, and using it`);
    ok(shown(el(m, base(levels - 2) + 1)), 'the innermost <use>s are shown');
    const cutLevels = size.map((_, i) => i).filter((i) => i < levels - 1 && isCut(el(m, base(i) + 1)));
    ok(cutLevels.length > 0, 'the <use>s of some level are cut (marked, without href)');
    // above the cut, the copies are small again (they copy cut <use>s): those are shown
    ok(shown(el(m, 50_000)), 'the top <use> is shown');
    for (const u of m.document!.querySelectorAll(`[${USE_CUT}]`)) ok(isCut(u), 'each marked <use> has no href');
    done();
  });

  it('later changes cannot reopen it: an id moved, a duplicate id, an href changed, a <use> moved into its target', async () => {
    const { m, s, done } = setup();
    const { top, defs, useIds } = nestedUses(42, 190);
    // a <use> (600) at level 150 of a small icon `a` (after the defs in tree order): its copy may be 50 deep
    const deep = gChain(3000, 146, 'w', [svg(600, 'use', { href: '#a' })]);
    const icon = svg(500, 'g', { id: 'a' }, [svg(501, 'rect', { width: '5', height: '5' })]);
    m.apply(s.snapshot(svgPage([deep, top, icon], defs)));
    await render(m);
    ok(shown(el(m, 600)), 'the icon <use> is shown');
    const step = async (...ops: Op[]): Promise<Element> => {
      m.apply(s.delta(...ops));
      await render(m);
      return el(m, 600);
    };
    // 1. chain 1 of the bomb (in the defs, before the icon) takes the id `a`: 600 would copy 191 levels
    ok(isCut(await step({ op: OpCode.Attr, id: 200_000, name: 'id', value: 'a' })), 'the id moved to deep content: cut');
    ok(shown(await step({ op: OpCode.Attr, id: 200_000, name: 'id', value: 'c1' })), 'the id back: shown');
    // 2. a new 60-level group with the same id, before the icon; then removed
    ok(isCut(await step(tree(6, 0, gChain(7000, 60, 'a', [])))), 'a duplicate id first in tree order: cut');
    ok(shown(await step({ op: OpCode.Remove, id: 7000 })), 'the duplicate removed: shown');
    // 3. its href changed to the bomb while shown, then back while cut (the kept value is not given back)
    ok(isCut(await step({ op: OpCode.Attr, id: 600, name: 'href', value: '#c1' })), 'href to the bomb: cut');
    ok(shown(await step({ op: OpCode.Attr, id: 600, name: 'href', value: '#a' })), 'href back to the icon: shown');
    equal(hrefOf(el(m, 600)), '#a');
    m.apply(s.delta({ op: OpCode.Attr, id: 600, name: 'href', value: '#c1' }));
    m.apply(s.delta({ op: OpCode.AttrDel, id: 600, name: 'href' }));
    await render(m);
    equal(hrefOf(el(m, 600)), null, 'an href removed while cut stays removed');
    equal(el(m, 600).hasAttribute(USE_CUT), false, 'and nothing is cut any more');
    // 4. chain 0's <use> (of the bomb) moved into the icon: it fits there (level 5 + 191), 600 does not
    m.apply(s.delta({ op: OpCode.Attr, id: 600, name: 'href', value: '#a' }, tree(500, 0, ref(useIds[0]!))));
    await render(m);
    ok(shown(el(m, useIds[0]!)), 'the moved <use> is shown where it landed');
    ok(isCut(el(m, 600)), 'its new target holds a copy 191 deep: cut');
    done();
  });

  it('the count runs before an op that lays out: hrefs that build the bomb, then a scroll, in one frame (also after the frame used up its counts)', async () => {
    const { top, defs, useIds } = nestedUses(60, 190); // 11,400 levels copied: past Chromium's crash (7,980)
    // the same chains, their <use>s without href: nothing to copy
    const bare = (sp: Spec): Spec => {
      const n = sp.node as unknown as { name: string; attrs: string[] };
      const node = n.name === 'use' ? ({ ...sp.node, attrs: [] } as Spec['node']) : sp.node;
      return { ...sp, node, children: sp.children?.map(bare) ?? [] };
    };
    const scroll: Op = { op: OpCode.Scroll, id: 4, x: 0, y: 10 };
    // 0: counted before the scroll; 6: the frame asked for a count 6 times first (an id changed, then a
    // scroll), so every <use> is cut until it ends and the hrefs are cut as they come
    for (const recounts of [0, 6]) {
      const { m, s, done } = setup();
      m.apply(s.snapshot(svgPage([bare(top)], defs.map(bare))));
      await render(m);
      const first: Op[] = [];
      for (let i = 0; i < recounts; i++) first.push({ op: OpCode.Attr, id: 6, name: 'id', value: `d${i}` }, scroll);
      const hrefs = useIds.map((id, i) => ({ op: OpCode.Attr, id, name: 'href', value: `#c${i + 1}` }) as const);
      // a scroll makes the browser lay the page out at once, in the middle of the frame
      m.apply(s.delta(...first, ...hrefs, scroll, tree(5, 0, svg(700, 'rect'))));
      await render(m);
      equal(m.needsSnapshot, false);
      for (const id of useIds) ok(isCut(el(m, id)), `use ${id} cut (${recounts} counts asked for first)`);
      done();
    }
  });

  it('a crafted frame that makes every op count again (an id toggled, then a scroll, 1,000 times) counts a few times, ends right', async () => {
    const { m, s, done } = setup();
    // `#d` names nothing (the <use> copies nothing: shown) until the 150-level chain takes the id: a
    // <use> 100 levels down would copy it past the cap (cut)
    const use = svg(50, 'use', { href: '#d' });
    m.apply(s.snapshot(svgPage([gChain(2000, 100, 'w', [use])], [gChain(1000, 150, 'z', [])])));
    await render(m);
    ok(shown(el(m, 50)), 'shown while #d names nothing');
    const flips: MutationRecord[] = [];
    const watch = new MutationObserver((records) => flips.push(...records));
    watch.observe(el(m, 50), { attributeFilter: [USE_CUT] });
    const ops: Op[] = [];
    const scroll: Op = { op: OpCode.Scroll, id: 4, x: 0, y: 0 };
    for (let i = 0; i < 1000; i++) {
      ops.push({ op: OpCode.Attr, id: 1000, name: 'id', value: 'd' }, scroll);
      ops.push({ op: OpCode.Attr, id: 1000, name: 'id', value: 'z' }, scroll);
    }
    ops.push({ op: OpCode.Attr, id: 1000, name: 'id', value: 'd' }); // ends on the deep chain
    m.apply(s.delta(...ops));
    await render(m);
    flips.push(...watch.takeRecords());
    watch.disconnect();
    ok(isCut(el(m, 50)), 'cut: the frame ends with the deep chain as its target');
    // counted again before each of 2,000 scrolls, the <use> would flip 2,000 times
    ok(flips.length <= 8, `cut and given back ${flips.length} times in one frame`);
    m.apply(s.delta({ op: OpCode.Attr, id: 1000, name: 'id', value: 'z' }));
    ok(shown(el(m, 50)), 'the next frame counts as ever: shown again');
    done();
  });

  it("a <slot> added deeper in a shadow tree lays its host's light <use> out deeper: counted again, cut", async () => {
    const { m, s, done } = setup();
    // host (level 3) > shadow root > <slot> (level 4): the light <svg> is laid out at 5, its <use> at 6,
    // copying a 150-level chain: 156 levels, shown
    const light = svg(20, 'svg', {}, [svg(21, 'use', { href: '#t' }), gChain(1000, 150, 't', [])]);
    const host = h(10, 'div', {}, [light], { shadow: shadow(11, 'open', h(12, 'slot')) });
    m.apply(s.snapshot(page([host])));
    await render(m);
    ok(shown(el(m, 21)), 'shown at 156 levels');
    // a slot 60 levels down the shadow tree: the light children count from there (depth.ts), 216 levels
    m.apply(s.delta(tree(11, 0, chain60(3000))));
    await render(m);
    ok(isCut(el(m, 21)), 'cut once its light tree is laid out 60 levels deeper');
    done();
  });

  it('only a plain #id is followed: URLs, escapes and whitespace are cut; in a shadow root, its own ids', async () => {
    const { m, s, done } = setup();
    const icon = svg(500, 'g', { id: 'a' }, [svg(501, 'rect', { width: '5', height: '5' })]);
    const odd = ['data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg"/>#a', 'sprite.svg#a', '#%61', ' #a', '#a\n'];
    const uses = odd.map((href, i) => svg(600 + i, 'use', { href }));
    const inShadow = shadow(
      800,
      'open',
      h(801, 'div', {}, [
        svg(802, 'svg', {}, [
          svg(803, 'g', { id: 'b' }, [svg(804, 'rect', { width: '5', height: '5' })]),
          svg(805, 'use', { href: '#b' }),
          svg(806, 'use', { href: '#a' }),
        ]),
      ]),
    );
    m.apply(s.snapshot(page([svg(5, 'svg', {}, [icon, ...uses]), h(7, 'div', {}, [], { shadow: inShadow })])));
    await render(m);
    for (let i = 0; i < odd.length; i++) ok(isCut(el(m, 600 + i)), `${JSON.stringify(odd[i])} cut`);
    equal(m.partial, false, 'not partial: the mirror never showed what a URL reference copies');
    ok(shown(el(m, 805)), 'a <use> of an id in its own shadow root');
    ok(shown(el(m, 806)), "one of an id that is not in its tree copies nothing, and keeps its href (as the sharer's)");
    done();
  });
});

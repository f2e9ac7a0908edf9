// SVG resources that paint content of their own (src/mirror/paints.ts): a `<mask>`, `<clipPath>`,
// `<pattern>` or `<marker>` whose content refers to the next paints the product, and a chain of them
// nests the painting. Eight levels of eight hang Firefox (patterns) and cost Chromium seconds; a chain of
// 5,000 masks crashes Chromium's renderer. Each test paints the mirror (where a hang or a crash would
// happen) and checks which references the mirror cut; the page's own nesting must render untouched.
import { Mirror } from '../src/mirror/index.js';
import { MAX_PAINT_COPIES, MAX_PAINT_NESTING, OpCode } from '../src/protocol/constants.js';
import { describe, equal, it, nextFrame, ok, sleep } from './helpers/mirror-assert.js';
import { setup, render } from './helpers/mirror-svg.js';
import { Sharer, h, mount, page, svg, t, tree, type Spec } from './helpers/mirror-frames.js';

const CUT = 'data-cobrowse-mirror-paint-cut';
type Kind = 'mask' | 'clipPath' | 'pattern' | 'marker';
const PROP: Record<Kind, string> = { mask: 'mask', clipPath: 'clip-path', pattern: 'fill', marker: 'marker-mid' };
const UNITS: Record<Kind, Record<string, string>> = {
  mask: { maskUnits: 'userSpaceOnUse', x: '0', y: '0', width: '300', height: '200' },
  clipPath: {},
  pattern: { patternUnits: 'userSpaceOnUse', width: '300', height: '200' },
  marker: { markerUnits: 'userSpaceOnUse', markerWidth: '20', markerHeight: '20', overflow: 'visible' },
};

const el = (m: Mirror, id: number): SVGElement => m.node(id) as SVGElement;
const cuts = (m: Mirror): Element[] => [...m.document!.querySelectorAll(`[${CUT}]`)];
const REF_PROPS = ['mask', 'mask-image', 'clip-path', 'fill', 'stroke', 'marker-start', 'marker-mid', 'marker-end'];
/**
 * WebKit answers getComputedStyle for an element inside a mirrored resource with the style it first
 * computed: neither our inline override nor removing the attribute changes the answer (measured), while
 * its painting follows them (8^8 markers that hang its tab paint at once once cut). So the computed
 * check is Chromium's and Firefox's; the inline override is checked in all three.
 */
const computedIsFresh = /Chrome|Firefox/.test(navigator.userAgent);
/** Whether `e` still refers to a resource: its computed style (where fresh) or its inline style. */
const refersTo = (e: Element): boolean => {
  const inline = (e as SVGElement).style;
  const overridden = REF_PROPS.some((p) => inline.getPropertyValue(p) === 'none' && inline.getPropertyPriority(p) === 'important');
  if (!computedIsFresh) return !overridden;
  const cs = e.ownerDocument.defaultView!.getComputedStyle(e);
  return REF_PROPS.some((p) => cs.getPropertyValue(p).includes('url('));
};

/** An element of a resource's content, referring to `ref` (a polyline with a middle vertex for markers). */
function painted(kind: Kind, id: number, ref: string | null, extra: Record<string, string> = {}): Spec {
  const attrs: Record<string, string> =
    kind === 'marker' ? { points: '0,0 4,2 8,0', stroke: 'black', fill: 'none' } : { width: '300', height: '200', fill: 'white' };
  if (ref) attrs[PROP[kind]] = `url(#${ref})`;
  return svg(id, kind === 'marker' ? 'polyline' : 'rect', { ...attrs, ...extra });
}

/** `levels` resources `r0`…, each of `fan` elements that refer to the next; ids 1000 + 100 × level + j. */
function nest(kind: Kind, levels: number, fan: number): Spec[] {
  const out: Spec[] = [];
  for (let i = 0; i < levels; i++) {
    const kids = Array.from({ length: fan }, (_, j) => painted(kind, 1000 + 100 * i + 1 + j, i < levels - 1 ? `r${i + 1}` : null));
    out.push(svg(1000 + 100 * i, kind, { id: `r${i}`, ...UNITS[kind] }, kids));
  }
  return out;
}

/** A page with one `<svg>` (id 5) holding `<defs>` (id 6) of `defs`, then `kids`. */
const svgPage = (kids: Spec[], defs: Spec[], head: Spec[] = []) =>
  page([svg(5, 'svg', { width: '300', height: '200' }, [svg(6, 'defs', {}, defs), ...kids])], head);

describe('mirror: SVG resources that nest painting', () => {
  for (const [kind, levels, fan] of [
    ['mask', 12, 8],
    ['clipPath', 12, 8],
    ['pattern', 12, 8],
    ['marker', 11, 4],
  ] as const) {
    it(`${levels} levels of ${fan} ${kind}s, each in the next (${fan}^${levels} paints): cut within the budget, the page paints`, async () => {
      const { m, s, done } = setup();
      m.apply(s.snapshot(svgPage([painted(kind, 50, 'r0')], nest(kind, levels, fan))));
      await render(m);
      equal(m.needsSnapshot, false);
      const cut = cuts(m);
      ok(cut.length > 0, 'some references are cut');
      for (const e of cut) ok(!refersTo(e), 'a cut element refers to no resource any more');
      // what stays: the top one's levels multiply within the budget
      let paints = 0;
      let per = 1;
      for (let i = levels - 1; i >= 0; i--) {
        const kept = Array.from({ length: fan }, (_, j) => el(m, 1000 + 100 * i + 1 + j)).filter((e) => !e.hasAttribute(CUT));
        per = fan + (i < levels - 1 ? kept.length * per * (kind === 'marker' ? 7 : 1) : 0);
        paints = per;
      }
      ok(paints <= MAX_PAINT_COPIES + fan, `the top resource paints ${paints} ≤ ${MAX_PAINT_COPIES}`);
      ok(!el(m, 1000 + 1).hasAttribute(CUT), "the top resource's first element keeps its reference");
      equal(m.partial, true, 'the mirror says part of the page is left out');
      done();
    });
  }

  it(`a chain of 5,000 masks (Chromium's renderer crashes on it) is cut every ${MAX_PAINT_NESTING} masks`, async () => {
    const { m, s, done } = setup();
    m.apply(s.snapshot(svgPage([painted('mask', 50, 'r0')], nest('mask', 5000, 1))));
    await render(m);
    equal(m.needsSnapshot, false);
    const at = (level: number) => el(m, 1000 + 100 * level + 1);
    ok(at(MAX_PAINT_NESTING - 1).hasAttribute(CUT), `the reference from mask ${MAX_PAINT_NESTING - 1} to the next is cut`);
    for (let i = 0; i < MAX_PAINT_NESTING - 1; i++) ok(!at(i).hasAttribute(CUT), `mask ${i} keeps its reference`);
    equal(cuts(m).length, Math.floor((4999 - (MAX_PAINT_NESTING - 1)) / MAX_PAINT_NESTING) + 1, 'one cut every so many masks');
    equal(m.partial, true);
    done();
  });

  it("the page's own nesting (a mask of clipped, pattern-filled shapes, markers on a path) renders untouched", async () => {
    const { m, s, done } = setup();
    const defs = [
      svg(20, 'pattern', { id: 'dots', patternUnits: 'userSpaceOnUse', width: '10', height: '10' }, [
        svg(21, 'circle', { cx: '5', cy: '5', r: '2' }),
      ]),
      svg(22, 'clipPath', { id: 'clip' }, [svg(23, 'rect', { width: '200', height: '100', rx: '8' })]),
      svg(24, 'mask', { id: 'fade' }, [
        svg(25, 'g', { 'clip-path': 'url(#clip)' }, [svg(26, 'rect', { width: '300', height: '200', fill: 'url(#dots)' })]),
      ]),
      svg(27, 'marker', { id: 'arrow', markerWidth: '10', markerHeight: '10', refX: '5', refY: '5' }, [
        svg(28, 'path', { d: 'M0 0L10 5L0 10z', fill: 'url(#dots)' }),
      ]),
    ];
    const kids = [
      svg(30, 'rect', { width: '300', height: '200', fill: 'navy', mask: 'url(#fade)', style: 'opacity: 0.9' }),
      svg(31, 'path', {
        d: 'M10 150 L100 120 L200 160 L290 100',
        stroke: 'black',
        'marker-mid': 'url(#arrow)',
        'marker-end': 'url(#arrow)',
      }),
    ];
    m.apply(s.snapshot(svgPage(kids, defs)));
    await render(m);
    equal(cuts(m).length, 0, 'nothing cut');
    equal(el(m, 30).getAttribute('style'), 'opacity: 0.9', 'style attributes as the sharer sent them');
    equal(m.partial, false);
    done();
  });

  it('a reference a stylesheet makes (switched on by a class on the <svg>) is cut; the inline style is given back after', async () => {
    const { m, s, done } = setup();
    // r0 … r11 with 8 rects each; the references between them only while the <svg> has class "on"
    const defs = nest('mask', 12, 8).map((r) => ({
      ...r,
      children: r.children!.map((c) => ({ ...c, node: { ...c.node, attrs: ['width', '300', 'height', '200', 'style', 'opacity: 0.5'] } })),
    }));
    const rules = Array.from({ length: 11 }, (_, i) => `.on #r${i} rect { mask: url(#r${i + 1}) !important }`).join('\n');
    m.apply(s.snapshot(svgPage([painted('mask', 50, 'r0')], defs, [h(90, 'style', {}, [t(91, rules)])])));
    await render(m);
    equal(cuts(m).length, 0, 'off: nothing refers from one mask to the next');
    m.apply(s.delta({ op: OpCode.Attr, id: 5, name: 'class', value: 'on' }));
    await render(m);
    const cut = cuts(m);
    ok(cut.length > 0, 'on: the deep references are cut');
    const one = cut[0] as SVGElement;
    equal(one.style.getPropertyPriority('mask-image'), 'important');
    equal(one.style.getPropertyValue('opacity'), '0.5', 'its own inline style stays');
    m.apply(s.delta({ op: OpCode.Attr, id: 5, name: 'class', value: '' }));
    await render(m);
    equal(cuts(m).length, 0, 'off again: nothing cut');
    equal(one.style.getPropertyValue('mask-image'), '', 'the cut taken off');
    equal(one.style.getPropertyValue('opacity'), '0.5', 'the inline style as it was');
    equal(one.hasAttribute(CUT), false);
    m.apply(s.delta({ op: OpCode.Attr, id: 5, name: 'class', value: 'on' }));
    await render(m);
    equal(cuts(m).length, cut.length, 'on again: the same cuts');
    done();
  });

  it("the page's own inline !important is overridden while cut; a style the sharer sets on a cut element is cut again", async () => {
    const { m, s, done } = setup();
    m.apply(s.snapshot(svgPage([painted('mask', 50, 'r0')], nest('mask', 12, 8))));
    await render(m);
    const one = cuts(m)[0] as SVGElement;
    ok(one, 'something is cut');
    const next = `r${Number(one.parentElement!.id.slice(1)) + 1}`; // the mask it referred to
    m.apply(s.delta({ op: OpCode.Attr, id: m.id(one), name: 'style', value: `mask: url(#${next}) !important; opacity: 0.5` }));
    await render(m);
    ok(one.hasAttribute(CUT), 'cut again after the sharer replaced its style');
    ok(!refersTo(one), 'its !important reference does not apply');
    equal(one.style.getPropertyValue('opacity'), '0.5');
    done();
  });

  it('a count that fails half way leaves the last cuts on (and says so through onError)', async () => {
    const c = mount();
    const errors: Error[] = [];
    const m = new Mirror(c, { scale: 1, onError: (e) => void errors.push(e) });
    const s = new Sharer();
    m.apply(s.snapshot(svgPage([painted('mask', 50, 'r0')], nest('mask', 12, 8))));
    await render(m);
    const before = cuts(m);
    ok(before.length > 0, 'cut');
    // the mirror's window refuses to compute the style of anything it has not read yet
    const view = m.iframe.contentWindow as Window & { getComputedStyle: (e: Element) => CSSStyleDeclaration };
    const own = view.getComputedStyle;
    view.getComputedStyle = () => {
      throw new Error('refused');
    };
    m.apply(s.delta(tree(1000, 0, painted('mask', 60_000, 'r1'))));
    view.getComputedStyle = own;
    equal(errors.length, 1, 'the failure reported');
    equal(cuts(m).length, before.length, 'the same cuts still on');
    for (const e of before) ok(!refersTo(e), 'each still paints nothing through its reference');
    await render(m);
    m.destroy();
    c.remove();
  });

  it(`page elements using a large pattern share one budget: ${MAX_PAINT_COPIES / 1000} of 3,000 keep it; a small one used 2,000 times is never cut`, async () => {
    const { m, s, done } = setup();
    const big = svg(
      20,
      'pattern',
      { id: 'big', ...UNITS.pattern },
      Array.from({ length: 1000 }, (_, j) => svg(100 + j, 'rect', { x: String(j % 50), width: '5', height: '5' })),
    );
    const small = svg(30, 'clipPath', { id: 'small' }, [svg(31, 'circle', { r: '4' })]);
    const users = Array.from({ length: 3000 }, (_, i) => svg(10_000 + i, 'rect', { width: '10', height: '10', fill: 'url(#big)' }));
    const clipped = Array.from({ length: 2000 }, (_, i) =>
      svg(20_000 + i, 'rect', { width: '10', height: '10', 'clip-path': 'url(#small)' }),
    );
    m.apply(s.snapshot(svgPage([...users, ...clipped], [big, small])));
    await render(m);
    const kept = users.filter((u) => !el(m, (u.node as { id: number }).id).hasAttribute(CUT)).length;
    equal(kept, MAX_PAINT_COPIES / 1000, 'the first ones keep the pattern, within the budget');
    equal(clipped.filter((u) => el(m, (u.node as { id: number }).id).hasAttribute(CUT)).length, 0, 'the clip-path icons are all shown');
    equal(m.partial, true);
    done();
  });
});

// A large snapshot applied over several tasks (Mirror.apply, slices.ts): the same page as a whole
// apply, the old page shown until the new one is complete, frames after it applied in order, a bad
// one changing nothing, a newer snapshot replacing it, destroy() stopping it. Every snapshot in this
// file is sliced as finely as possible (a task per step) so a few thousand nodes span many tasks.
import { Mirror, type MirrorOptions } from '../src/mirror/index.js';
import { slicing } from '../src/mirror/slices.js';
import { OpCode } from '../src/protocol/constants.js';
import type { Op } from '../src/protocol/types.js';
import { describe, equal, it, ok, sleep } from './helpers/mirror-assert.js';
import { Sharer, comment, frag, h, mount, page, shadow, svg, t } from './helpers/mirror-frames.js';

slicing.minBytes = 0;
slicing.sliceMs = 0;

interface Seen {
  applied: Array<[number, boolean]>;
  rejected: Error[];
}
function setup(options: MirrorOptions = {}): { m: Mirror; s: Sharer; seen: Seen } {
  const seen: Seen = { applied: [], rejected: [] };
  const m = new Mirror(mount(), {
    ...options,
    onApply: (seq, snapshot) => seen.applied.push([seq, snapshot]),
    onReject: (err) => seen.rejected.push(err),
  });
  return { m, s: new Sharer(), seen };
}

const task = () =>
  new Promise<void>((r) => {
    const c = new MessageChannel();
    c.port1.onmessage = () => r();
    c.port2.postMessage(0);
  });
async function until(what: string, done: () => boolean): Promise<void> {
  for (let i = 0; i < 3000 && !done(); i++) await sleep(5); // a hang watchdog only (15 s)
  ok(done(), `${what}: not within 15 s`);
}

/** A shop-like page of about `cards` × 12 nodes: form fields in every state, SVG, comments, a shadow root, a template. */
function shopPage(cards: number, label = 'item'): Op {
  const body = [];
  let id = 100;
  for (let i = 0; i < cards; i++) {
    const base = (id += 20);
    body.push(
      h(base, 'div', { class: `card c${i % 7}`, 'data-i': String(i) }, [
        h(base + 1, 'h2', {}, [t(base + 2, `${label} ${i}`)]),
        h(base + 3, 'input', { type: 'text', name: `q${i}` }, [], { value: `typed ${i}` }),
        h(base + 4, 'input', { type: 'checkbox' }, [], { checked: i % 2 === 0 }),
        h(base + 5, 'select', {}, [
          h(base + 6, 'option', { value: 'a' }, [t(base + 7, 'A')]),
          h(base + 8, 'option', { value: 'b' }, [t(base + 9, 'B')], { selected: i % 3 === 0 }),
        ]),
        h(base + 10, 'textarea', {}, [], { value: `note ${i}` }),
        comment(base + 11, ` card ${i} `),
        svg(base + 12, 'svg', { viewBox: '0 0 2 2' }, [svg(base + 13, 'rect', { width: '1', height: '1' })]),
      ]),
    );
  }
  body.push(h(50, 'x-box', {}, [], { shadow: shadow(51, 'open', h(52, 'b', {}, ['in the shadow'])) }));
  body.push(h(53, 'template', {}, [], { content: frag(54, h(55, 'i', {}, ['templated'])) }));
  return page(body, [h(60, 'style', {}, [t(61, '.card { color: rgb(0, 128, 0) }')])]);
}

/** Everything the agent could see of a mirrored page: markup, compat mode, form state, shadow and template content, ids. */
function picture(m: Mirror): string {
  const d = m.document!;
  const fields = [...d.querySelectorAll('input, select, textarea, option')].map((el) => {
    const f = el as HTMLInputElement & HTMLOptionElement;
    return `${m.id(el)}:${f.value}:${String(f.checked)}:${String(f.selected)}`;
  });
  const ids = [...d.querySelectorAll('*')].map((el) => m.id(el)).join(',');
  const host = d.querySelector('x-box')!;
  const tpl = d.querySelector('template')!;
  const sheet = (d.querySelector('style') as HTMLStyleElement).sheet!.cssRules.length;
  return [d.compatMode, d.documentElement.outerHTML, fields.join('|'), ids, host.shadowRoot!.innerHTML, tpl.innerHTML, sheet].join('\n');
}

describe('mirror: a large snapshot in slices', () => {
  it('builds the same page as a whole apply: markup, text, attributes, form state, shadow and template content, ids', async () => {
    const frame = new Sharer().snapshot(shopPage(300));
    const whole = setup();
    slicing.minBytes = Number.POSITIVE_INFINITY;
    try {
      whole.m.apply(frame);
    } finally {
      slicing.minBytes = 0;
    }
    equal(whole.m.building, false);
    const sliced = setup();
    sliced.m.apply(frame);
    equal(sliced.m.building, true);
    await until('the sliced snapshot', () => sliced.seen.applied.length > 0);
    equal(sliced.m.building, false);
    equal(picture(sliced.m), picture(whole.m));
    ok(sliced.m.document!.querySelectorAll('.card').length === 300);
    equal(getComputedStyle(sliced.m.document!.querySelector('.card')!).color, 'rgb(0, 128, 0)');
    whole.m.destroy();
    sliced.m.destroy();
  });

  it('spans several tasks, and the old page stays in place, whole, until the new one is complete', async () => {
    const { m, s, seen } = setup();
    m.apply(s.snapshot(shopPage(5, 'old')));
    await until('the first snapshot', () => seen.applied.length === 1);
    const oldDoc = m.document!;
    const oldHtml = oldDoc.documentElement.outerHTML;
    const oldCard = m.node(120);
    s.seq = 5;
    let queuedBefore = false;
    void task().then(() => (queuedBefore = seen.applied.length === 1));
    m.apply(s.snapshot(shopPage(300, 'new')));
    // a task in between: the old page, its ids and seq, exactly as they were
    let between = 0;
    while (seen.applied.length === 1) {
      await task();
      if (seen.applied.length > 1) break;
      between++;
      equal(m.document!.documentElement.outerHTML, oldHtml);
      equal(m.node(120), oldCard);
      equal(m.seq, 0);
    }
    ok(queuedBefore, 'a task queued before apply() ran before the new page was in place');
    ok(between >= 3, `the build took ${between + 1} tasks`);
    equal(m.document, oldDoc); // the same document, reopened
    equal(m.seq, 5);
    equal(m.document!.querySelector('h2')!.textContent, 'new 0');
    equal(m.document!.querySelectorAll('.card').length, 300);
    m.destroy();
  });

  it('applies a delta that arrives during the build after the snapshot, in order', async () => {
    const { m, s, seen } = setup();
    m.apply(s.snapshot(shopPage(200)));
    m.apply(s.delta({ op: OpCode.Text, id: 122, data: 'changed' }));
    m.apply(s.delta({ op: OpCode.Attr, id: 120, name: 'class', value: 'card picked' }));
    equal(m.document, null); // nothing shown yet
    await task();
    equal(seen.applied.length, 0);
    await until('the snapshot and deltas', () => seen.applied.length === 3);
    equal(
      JSON.stringify(seen.applied),
      JSON.stringify([
        [0, true],
        [1, false],
        [2, false],
      ]),
    );
    equal(m.node(122)!.textContent, 'changed');
    equal((m.node(120) as Element).className, 'card picked');
    equal(m.seq, 2);
    // and a delta after that applies at once again
    m.apply(s.delta({ op: OpCode.Text, id: 122, data: 'again' }));
    equal(m.node(122)!.textContent, 'again');
    equal(seen.rejected.length, 0);
    m.destroy();
  });

  it('a malformed large snapshot leaves the old page in place and changes nothing; the frames behind it are dropped', async () => {
    const { m, s, seen } = setup();
    m.apply(s.snapshot(shopPage(5)));
    await until('the first snapshot', () => seen.applied.length === 1);
    const before = picture(m);
    const doc = m.document;
    // valid bytes, but the last op names a node that does not exist: found by validation, after many tasks
    const bad = s.bad([shopPage(300, 'bad'), { op: OpCode.Text, id: 999_999, data: 'x' }], 9, 'snapshot');
    m.apply(bad);
    m.apply(s.delta({ op: OpCode.Text, id: 122, data: 'behind the bad one' }));
    await until('the rejection', () => seen.rejected.length > 0);
    equal(m.building, false);
    equal(picture(m), before);
    equal(m.document, doc);
    equal(m.seq, 0);
    // truncated: found by the decoder
    m.apply(s.snapshot(shopPage(300)).slice(0, 4000));
    await until('the second rejection', () => seen.rejected.length > 1);
    equal(seen.rejected[1]!.name, 'ProtocolError');
    equal(picture(m), before);
    equal(seen.applied.length, 1);
    m.destroy();
  });

  it('a newer snapshot arriving during the build replaces the one in progress', async () => {
    const { m, s, seen } = setup();
    m.apply(s.snapshot(shopPage(300, 'first')));
    m.apply(s.delta({ op: OpCode.Text, id: 122, data: 'delta of the first' }));
    await task();
    await task();
    s.seq = 10;
    m.apply(s.snapshot(shopPage(250, 'second')));
    await until('the second snapshot', () => seen.applied.length > 0);
    await sleep(50);
    equal(JSON.stringify(seen.applied), JSON.stringify([[10, true]]));
    equal(m.document!.querySelector('h2')!.textContent, 'second 0');
    equal(m.document!.querySelectorAll('.card').length, 250);
    equal(seen.rejected.length, 0);
    m.destroy();
  });

  it('destroy() during the build stops it: nothing is applied or reported afterwards', async () => {
    const { m, s, seen } = setup();
    m.apply(s.snapshot(shopPage(300)));
    await task();
    await task();
    m.destroy();
    equal(m.building, false);
    for (let i = 0; i < 40; i++) await task();
    await sleep(50);
    equal(seen.applied.length, 0);
    equal(seen.rejected.length, 0);
    equal(m.document, null);
  });
});

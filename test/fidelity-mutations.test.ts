// Mutations: adds, removes, moves, re-parenting within one batch, text and attribute changes, many
// thousands per task, a 5,000-level tree, a 100,000-node page, and a seeded random sequence compared
// after every batch.
import { afterEach, assertEqual, assertNoDiffs, describe, it } from './helpers/assert.js';
import { skipIn } from './helpers/engine.js';
import { cleanup, createSharer, prng, startSession, tick, type Session } from './helpers/harness.js';
import { MAX_RENDER_DEPTH } from '../src/protocol/constants.js';

afterEach(cleanup);

const BASE =
  '<!DOCTYPE html><html><head></head><body><div id="root"><p id="a">a<b>b</b></p><p id="b">b</p><ul id="list"><li>1</li><li>2</li><li>3</li></ul></div></body></html>';

async function session(html = BASE): Promise<{ s: Session; doc: Document }> {
  const sharer = await createSharer({ html });
  const s = await startSession(sharer);
  await s.expectSame('snapshot');
  return { s, doc: sharer.doc };
}

describe('fidelity: mutations', () => {
  it('adds, removes, text changes, attribute add/change/remove', async () => {
    const { s, doc } = await session();
    const root = doc.getElementById('root')!;
    root.appendChild(doc.createElement('section')).innerHTML = '<h2>new</h2><p>para <i>x</i></p>';
    root.insertBefore(doc.createTextNode('first text'), root.firstChild);
    root.appendChild(doc.createComment('new comment'));
    doc.getElementById('b')!.remove();
    (doc.getElementById('a')!.firstChild as Text).data = 'changed a';
    doc.getElementById('a')!.setAttribute('class', 'x y');
    doc.getElementById('a')!.setAttribute('class', 'z');
    doc.getElementById('list')!.setAttribute('data-new', '1');
    doc.getElementById('list')!.removeAttribute('id');
    root.appendChild(doc.createTextNode('')); // an empty text node is a node too
    await s.expectSame('basic mutations');
  });

  it('moves and re-parenting within one batch', async () => {
    const { s, doc } = await session();
    const root = doc.getElementById('root')!;
    const a = doc.getElementById('a')!;
    const b = doc.getElementById('b')!;
    const list = doc.getElementById('list')!;
    // move a node into a new subtree created in the same task
    const wrap = doc.createElement('section');
    root.insertBefore(wrap, a);
    wrap.appendChild(a);
    await s.expectSame('moved into a new subtree');
    // move then remove; remove then re-add
    list.appendChild(b);
    b.remove();
    const li = list.firstElementChild!;
    li.remove();
    list.appendChild(li);
    await s.expectSame('move then remove; remove then re-add');
    // add then remove (net nothing), add then move, swap siblings, reverse a list
    const tmp = root.appendChild(doc.createElement('div'));
    tmp.remove();
    const moved = root.appendChild(doc.createElement('aside'));
    wrap.insertBefore(moved, wrap.firstChild);
    const [x, y] = [list.children[0], list.children[1]];
    list.insertBefore(y, x);
    for (const c of Array.from(list.children)) list.insertBefore(c, list.firstChild);
    await s.expectSame('add/remove, add/move, swap, reverse');
    // a parent moved into its former child: B out of A, then A into B
    const outer = root.appendChild(doc.createElement('div'));
    const inner = outer.appendChild(doc.createElement('div'));
    inner.textContent = 'inner';
    await s.expectSame('outer/inner');
    root.appendChild(inner);
    inner.appendChild(outer);
    await s.expectSame('parent moved into its former child');
    // changes to a detached subtree before it is inserted, and to a node after it was removed
    const det = doc.createElement('div');
    det.innerHTML = '<span>one</span>';
    det.firstElementChild!.setAttribute('title', 't');
    (det.firstElementChild!.firstChild as Text).data = 'two';
    root.appendChild(det);
    const gone = doc.getElementById('a')!;
    gone.remove();
    gone.setAttribute('title', 'after removal');
    (gone.firstChild as Text).data = 'after removal';
    await s.expectSame('detached changes');
    // innerHTML, textContent, replaceChildren, replaceWith, insertAdjacentHTML
    list.innerHTML = '<li>new 1</li><li>new 2</li>';
    wrap.textContent = 'just text';
    outer.replaceChildren(doc.createElement('em'), 'str');
    root.insertAdjacentHTML('afterbegin', '<header>h</header>');
    root.lastElementChild!.replaceWith(doc.createElement('footer'));
    await s.expectSame('innerHTML / textContent / replace');
  });

  it('changes spread over several microtasks of one task', async () => {
    const { s, doc } = await session();
    const root = doc.getElementById('root')!;
    const p = root.appendChild(doc.createElement('p'));
    await Promise.resolve();
    p.textContent = 'after a microtask';
    await Promise.resolve();
    root.insertBefore(p, root.firstChild);
    await Promise.resolve();
    doc.getElementById('list')!.appendChild(p);
    await s.expectSame('microtasks');
  });

  it('many thousands of mutations in one task', async function () {
    this.timeout(120_000);
    const { s, doc } = await session();
    const root = doc.getElementById('root')!;
    const made: HTMLElement[] = [];
    for (let i = 0; i < 5000; i++) {
      const el = doc.createElement(i % 3 ? 'span' : 'div');
      el.textContent = `n${i}`;
      el.setAttribute('data-i', String(i));
      (made[(i * 7) % (made.length || 1)] ?? root).appendChild(el);
      made.push(el);
    }
    for (let i = 0; i < 5000; i += 2) made[i].setAttribute('class', `c${i % 10}`);
    for (let i = 0; i < 5000; i += 3) (made[i].firstChild as Text).data = `t${i}`;
    for (let i = 0; i < 5000; i += 5) if (!made[i].contains(root)) root.appendChild(made[i]);
    for (let i = 1; i < 5000; i += 7) made[i].remove();
    await s.expectSame('thousands in one task');
  });

  it('a 5,000-level deep tree, in the snapshot and added later (no stack overflow)', async function () {
    this.timeout(120_000);
    // Chromium's own renderer crashes laying out a displayed tree this deep: keep it display:none
    const sharer = await createSharer({
      html: '<!DOCTYPE html><body><div id="deep" style="display:none"></div><div id="later" style="display:none"></div></body>',
    });
    const doc = sharer.doc;
    const build = (at: Element, n: number): Element => {
      for (let i = 0; i < n; i++) at = at.appendChild(doc.createElement(i % 2 ? 'div' : 'span'));
      at.textContent = 'bottom';
      return at;
    };
    const bottom = build(doc.getElementById('deep')!, 5000);
    // the mirror lays nothing out below MAX_RENDER_DEPTH (src/mirror/depth.ts): compared down to it
    const beyond = (n: Node) => {
      let level = 0;
      for (let x: Node | null = n; x && x.nodeType !== Node.DOCUMENT_NODE; x = x.parentNode) level++;
      return level > MAX_RENDER_DEPTH;
    };
    const s = await startSession(sharer);
    await s.expectSame('deep snapshot', { absent: beyond });
    build(doc.getElementById('later')!, 5000);
    bottom.setAttribute('title', 'deepest attribute');
    (bottom.firstChild as Text).data = 'deepest text';
    await s.expectSame('deep delta', { absent: beyond });
  });

  it('a 100,000-node page: snapshot, then a mutation', async function () {
    this.timeout(180_000);
    const rows: string[] = [];
    for (let i = 0; i < 12_600; i++) rows.push(`<li class="r${i % 7}"><span>${i}</span> <b>x</b><i>y</i></li>`);
    const sharer = await createSharer({ html: `<!DOCTYPE html><body><ul id="big">${rows.join('')}</ul></body>` });
    let count = 0;
    const w = sharer.doc.createTreeWalker(sharer.doc, NodeFilter.SHOW_ALL);
    while (w.nextNode()) count++;
    assertEqual(count >= 100_000, true, `page has ${count} nodes`);
    const s = await startSession(sharer);
    await s.expectSame('100k snapshot');
    const big = sharer.doc.getElementById('big')!;
    big.children[5000].remove();
    big.children[10].setAttribute('class', 'changed');
    big.appendChild(sharer.doc.createElement('li')).textContent = 'appended';
    await s.expectSame('100k delta');
  });

  for (const seed of [1, 42, 20240607]) {
    it(`a seeded random mutation sequence (seed ${seed}), compared after every batch`, async function () {
      this.timeout(300_000);
      if (seed === 42) {
        // the capture is right there (DOM, attributes and sheets match; the mirror's style is the right one)
        await skipIn(
          this,
          'WebKit',
          "getComputedStyle on the sharer's own page reports a stale inherited color for an element that was moved out of unrendered SVG content (batch 39: an unstyled <li> says rgb(12, 0, 0) under a <p> of rgb(38, 0, 0))",
        );
      }
      const { s, doc } = await session('<!DOCTYPE html><body><div id="root"></div></body>');
      await randomSequence(s, doc, doc.getElementById('root')!, seed, 150);
    });
  }
});

const TAGS = ['div', 'span', 'p', 'ul', 'li', 'b', 'i', 'section', 'em', 'a'];
const WORDS = ['alpha', 'beta', '', ' ', '日本語', '😀 emoji', 'x y  z', '<&>', 'long '.repeat(20)];
const ATTRS = ['class', 'title', 'data-a', 'data-b', 'aria-label', 'style', 'hidden', 'lang'];

/** Random inserts, moves, removes, text and attribute changes; compared after every batch. */
async function randomSequence(s: Session, doc: Document, root: Element, seed: number, batches: number): Promise<void> {
  const rnd = prng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  const detached: Node[] = [];
  const log: string[] = [];
  const nodesIn = (top: Node): Node[] => {
    const out: Node[] = [];
    const stack: Node[] = [top];
    while (stack.length) {
      const n = stack.pop()!;
      out.push(n);
      if ((n as Element).shadowRoot) stack.push((n as Element).shadowRoot!);
      for (let c = n.lastChild; c; c = c.previousSibling) stack.push(c);
    }
    return out;
  };
  const name = (n: Node) => (n.nodeType === 1 ? `<${(n as Element).localName}#${idOf(n)}>` : `${n.nodeName}#${idOf(n)}`);
  const ids = new WeakMap<Node, number>();
  let next = 1;
  const idOf = (n: Node) => ids.get(n) ?? (ids.set(n, next++), next - 1);
  const containers = (all: Node[]) => all.filter((n) => n.nodeType === 11 || (n.nodeType === 1 && (n as Element).localName !== 'a'));
  const newElement = (): Element => {
    const r = rnd();
    if (r < 0.08) {
      const svg = doc.createElementNS('http://www.w3.org/2000/svg', 'svg');
      svg.appendChild(doc.createElementNS('http://www.w3.org/2000/svg', 'rect')).setAttribute('width', String(Math.floor(rnd() * 20)));
      return svg;
    }
    const el = doc.createElement(pick(TAGS));
    if (rnd() < 0.5) el.setAttribute(pick(ATTRS), pick(WORDS));
    if (rnd() < 0.6) el.appendChild(doc.createTextNode(pick(WORDS)));
    if (rnd() < 0.2) el.appendChild(doc.createElement(pick(TAGS))).textContent = pick(WORDS);
    if (rnd() < 0.05 && ['div', 'span', 'section', 'p'].includes(el.localName)) {
      el.attachShadow({ mode: 'open' }).innerHTML = `<b>shadow ${next}</b><slot></slot>`;
    }
    return el;
  };
  const place = (node: Node, all: Node[]) => {
    const candidates = containers(all).filter(
      (c) => c !== node && !node.contains(c) && !(node.nodeType === 1 && nodesIn(node).includes(c)),
    );
    const parent = candidates.length ? pick(candidates) : root;
    const kids = Array.from(parent.childNodes);
    const before = kids.length && rnd() < 0.7 ? pick([...kids, null]) : null;
    parent.insertBefore(node, before === node ? null : before);
    return parent;
  };
  for (let b = 0; b < batches; b++) {
    log.length = 0;
    const ops = 1 + Math.floor(rnd() * 12);
    for (let k = 0; k < ops; k++) {
      const all = nodesIn(root).filter((n) => n !== root);
      const live = all.filter((n) => n.nodeType !== 11);
      const r = rnd();
      try {
        if (r < 0.25 || live.length < 5) {
          const n = rnd() < 0.8 ? newElement() : rnd() < 0.5 ? doc.createTextNode(pick(WORDS)) : doc.createComment(pick(WORDS));
          const p = place(n, [root, ...all]);
          log.push(`insert ${name(n)} into ${name(p)}`);
        } else if (r < 0.45) {
          const n = pick(live);
          const p = place(n, [root, ...all]);
          log.push(`move ${name(n)} to ${name(p)}`);
        } else if (r < 0.55) {
          const n = pick(live);
          (n as ChildNode).remove();
          detached.push(n);
          log.push(`remove ${name(n)}`);
        } else if (r < 0.62 && detached.length) {
          const n = detached.splice(Math.floor(rnd() * detached.length), 1)[0];
          if (rnd() < 0.5 && n.nodeType === 1) (n as Element).setAttribute('data-b', 'while detached');
          const p = place(n, [root, ...all]);
          log.push(`re-add ${name(n)} into ${name(p)}`);
        } else if (r < 0.75) {
          const texts = [...live, ...detached].filter((n) => n.nodeType === 3 || n.nodeType === 8);
          if (texts.length) {
            const t = pick(texts) as CharacterData;
            t.data = pick(WORDS) + (rnd() < 0.5 ? String(b) : '');
            log.push(`text ${name(t)}`);
          }
        } else if (r < 0.9) {
          const els = live.filter((n) => n.nodeType === 1) as Element[];
          if (els.length) {
            const el = pick(els);
            const attr = pick(ATTRS);
            if (rnd() < 0.3) el.removeAttribute(attr);
            else el.setAttribute(attr, attr === 'style' ? `color: rgb(${b % 255}, 0, 0)` : pick(WORDS));
            log.push(`attr ${attr} on ${name(el)}`);
          }
        } else {
          // wrap a node into a new element in the same batch (re-parenting)
          const n = pick(live);
          const wrap = doc.createElement('div');
          n.parentNode!.insertBefore(wrap, n);
          wrap.appendChild(n);
          log.push(`wrap ${name(n)}`);
        }
      } catch (err) {
        log.push(`(skipped: ${(err as Error).message})`);
      }
      if (rnd() < 0.15) await Promise.resolve(); // split the batch over microtasks
    }
    if (rnd() < 0.1) await tick(); // sometimes two tasks before we look
    await s.settle();
    const diffs = s.compare({ computed: 10 });
    assertNoDiffs(diffs, `seed ${seed}, batch ${b}, ops: ${log.join('; ')}`);
  }
}

// Issue 6, item 2: masking as a property (fast-check). Random pages of boxes (masked by selector or
// attribute, blocked, ignored overlays, unmasked islands) and random step sequences: canaries written
// into text, text-bearing attributes, field values (typed into password / card / email / plain fields),
// <style> text and CSSOM rules (CSS `content`), the title, comments, textareas; nodes moved in and out
// of masked / blocked / ignored subtrees; classes and attributes toggled so rules start or stop
// matching. An oracle (the README's masking rules, re-implemented on the live DOM) says at every step
// which canaries are legitimately visible; a canary may appear in a frame only from the first frame
// after the step that made it visible. Every frame's plaintext bytes are scanned (UTF-8, the wire's
// string encoding — SPEC.md "Strings" — and UTF-16LE for good measure), after a final resync too.
// Figure: canary bytes in frames where they must not be: 0 over N runs. Replay: set SEED below.
import fc from 'fast-check';
import { decodeFrame } from '../../src/protocol/frame.js';
import { afterEach, describe, it } from '../helpers/assert.js';
import { cleanup, countBytes, createSharer, startSession, typeInto, type Session } from '../helpers/harness.js';

afterEach(cleanup);

const RUNS = Number((globalThis as { __MASK_RUNS?: number }).__MASK_RUNS ?? 200);
const STEPS = 20;
/** null: a fresh seed each time (printed); a number replays a run. */
const SEED: number | null = (globalThis as { __MASK_SEED?: number }).__MASK_SEED ?? null;

const MASK_SEL = '.secret';
const BLOCK_SEL = '.blocked';
const IGNORE_SEL = '.overlay';
const UNMASK_SEL = '.shown';
const TEXT_ATTRS = ['title', 'alt', 'placeholder', 'aria-label', 'aria-description', 'aria-valuetext', 'label'];
const SENSITIVE_AC = /(^|\s)(cc-[a-z-]+|one-time-code|current-password|new-password)(\s|$)/i;
const BOXES = 6;
const CLASSES = ['secret', 'blocked', 'overlay', 'shown'];

const token = `ZQ${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
const enc = new TextEncoder();
const utf16 = (s: string) => new Uint8Array(Uint16Array.from(s, (c) => c.charCodeAt(0)).buffer);

// ---- the oracle: the README's rules on the live DOM ------------------------------------------------------
function parentEl(n: Node): Element | null {
  const p = n.parentNode;
  if (!p) return null;
  if (p.nodeType === 1) return p as Element;
  if (p.nodeType === 11 && (p as ShadowRoot).host) return (p as ShadowRoot).host;
  return null;
}
function hidden(el: Element | null): boolean {
  for (let e = el; e; e = parentEl(e)) {
    if (e.hasAttribute('data-cobrowse-ignore') || e.matches(IGNORE_SEL)) return true;
    if (e.hasAttribute('data-cobrowse-block') || e.matches(BLOCK_SEL)) return true;
  }
  return false;
}
function textMasked(el: Element | null): boolean {
  for (let e = el; e; e = parentEl(e)) {
    if (e.hasAttribute('data-cobrowse-unmask') || e.matches(UNMASK_SEL)) return false;
    if (e.hasAttribute('data-cobrowse-mask') || e.matches(MASK_SEL)) return true;
  }
  return false;
}
function sensitive(el: Element): boolean {
  const type = (el.getAttribute('type') ?? '').trim().toLowerCase();
  // hidden inputs (CSRF tokens, view state) are never sent: as sensitive as a password for the oracle
  return type === 'password' || (type === 'hidden' && el.localName === 'input') || SENSITIVE_AC.test(el.getAttribute('autocomplete') ?? '');
}
function valueMasked(el: Element, inputs: string): boolean {
  if (sensitive(el) || textMasked(el)) return true;
  if (inputs !== 'all') return false;
  return !el.matches(`${UNMASK_SEL},[data-cobrowse-unmask]`) && !el.closest('[data-cobrowse-unmask]');
}
const CANARY = new RegExp(`${token}(\\d+)`, 'g');
function canariesIn(s: string | null | undefined): number[] {
  return s ? [...s.matchAll(CANARY)].map((m) => Number(m[1])) : [];
}
/** Canaries visible under the rules now (CSSOM rules of the document's sheets included). */
function visibleNow(doc: Document, inputs: string): Set<number> {
  const vis = new Set<number>();
  const w = doc.createTreeWalker(doc, NodeFilter.SHOW_ALL);
  for (let n: Node | null = w.currentNode; n; n = w.nextNode()) {
    if (n.nodeType === 3 || n.nodeType === 8) {
      const p = parentEl(n);
      if (!p || hidden(p) || /^(script|noscript|canvas)$/.test(p.localName)) continue;
      const masked = p.localName === 'textarea' ? textMasked(p) || valueMasked(p, inputs) : textMasked(p);
      if (!masked) for (const c of canariesIn((n as CharacterData).data)) vis.add(c);
    } else if (n.nodeType === 1) {
      const el = n as Element;
      if (hidden(el)) continue;
      const field = /^(input|textarea|select|option)$/.test(el.localName);
      for (const a of Array.from(el.attributes)) {
        if (TEXT_ATTRS.includes(a.name) && textMasked(el)) continue;
        if (a.name === 'value' && field && valueMasked(el, inputs)) continue;
        for (const c of canariesIn(a.value)) vis.add(c);
      }
      if ((el.localName === 'input' || el.localName === 'textarea') && !valueMasked(el, inputs)) {
        for (const c of canariesIn((el as HTMLInputElement).value)) vis.add(c);
      }
      if (el.localName === 'style' && !textMasked(el)) {
        const sheet = (el as HTMLStyleElement).sheet;
        if (sheet) for (const r of Array.from(sheet.cssRules)) for (const c of canariesIn(r.cssText)) vis.add(c);
      }
    }
  }
  return vis;
}

// ---- pages and steps ------------------------------------------------------------------------------------
interface PageSpec {
  inputs: 'sensitive' | 'all';
  boxes: Array<{ classes: string[]; maskAttr: boolean; field: number }>;
}
const FIELDS = [
  'type="password"',
  'autocomplete="cc-number"',
  'type="email"',
  'autocomplete="email"',
  '',
  'autocomplete="one-time-code"',
  'type="hidden"',
];
const pageArb: fc.Arbitrary<PageSpec> = fc.record({
  inputs: fc.constantFrom('sensitive' as const, 'all' as const),
  boxes: fc.array(
    fc.record({ classes: fc.subarray(CLASSES, { maxLength: 2 }), maskAttr: fc.boolean(), field: fc.nat(FIELDS.length - 1) }),
    { minLength: BOXES, maxLength: BOXES },
  ),
});

function pageHtml(p: PageSpec): string {
  const boxes = p.boxes
    .map(
      (b, i) =>
        `<div id="b${i}" class="box ${b.classes.join(' ')}"${b.maskAttr ? ' data-cobrowse-mask' : ''} style="position:relative;min-height:10px">` +
        `<p id="p${i}">neutral ${i}</p><span id="s${i}" title="t${i}">s${i}</span><img id="i${i}" alt="a${i}" width="4" height="4">` +
        `<input id="f${i}" ${FIELDS[b.field]} placeholder="ph${i}"><textarea id="ta${i}">ta ${i}</textarea><style id="st${i}">.n${i}{color:red}</style></div>`,
    )
    .join('');
  return `<!DOCTYPE html><html><head><title data-cobrowse-mask>title</title></head><body>${boxes}<div id="free"></div></body></html>`;
}

type Step =
  | { k: 'text'; box: number; canary: boolean }
  | { k: 'attr'; box: number; attr: string; on: 's' | 'i' | 'f' }
  | { k: 'type'; box: number }
  | { k: 'typeTa'; box: number }
  | { k: 'valueAttr'; box: number }
  | { k: 'move'; what: 'p' | 's' | 'f' | 'box'; from: number; to: number }
  | { k: 'class'; box: number; cls: string }
  | { k: 'maskAttr'; box: number; attr: 'data-cobrowse-mask' | 'data-cobrowse-ignore' | 'data-cobrowse-block' | 'data-cobrowse-unmask' }
  | { k: 'html'; box: number }
  | { k: 'style'; box: number; cssom: boolean }
  | { k: 'title' }
  | { k: 'comment'; box: number }
  | { k: 'fieldType'; box: number }
  | { k: 'settle' };

const box = fc.nat(BOXES - 1);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant('text' as const), box, canary: fc.boolean() }), weight: 3 },
  {
    arbitrary: fc.record({
      k: fc.constant('attr' as const),
      box,
      attr: fc.constantFrom(...TEXT_ATTRS),
      on: fc.constantFrom('s' as const, 'i' as const, 'f' as const),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ k: fc.constant('type' as const), box }), weight: 3 },
  { arbitrary: fc.record({ k: fc.constant('typeTa' as const), box }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('valueAttr' as const), box }), weight: 1 },
  {
    arbitrary: fc.record({
      k: fc.constant('move' as const),
      what: fc.constantFrom('p' as const, 's' as const, 'f' as const, 'box' as const),
      from: box,
      to: fc.integer({ min: -1, max: BOXES - 1 }),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ k: fc.constant('class' as const), box, cls: fc.constantFrom(...CLASSES) }), weight: 4 },
  {
    arbitrary: fc.record({
      k: fc.constant('maskAttr' as const),
      box,
      attr: fc.constantFrom(
        'data-cobrowse-mask' as const,
        'data-cobrowse-ignore' as const,
        'data-cobrowse-block' as const,
        'data-cobrowse-unmask' as const,
      ),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ k: fc.constant('html' as const), box }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('style' as const), box, cssom: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('title' as const) }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('comment' as const), box }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('fieldType' as const), box }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('settle' as const) }), weight: 4 },
);

interface Totals {
  runs: number;
  steps: number;
  frames: number;
  bytes: number;
  canaries: number;
  released: number;
  leaks: string[];
}

async function runOne(page: PageSpec, steps: Step[], totals: Totals): Promise<string[]> {
  const sharer = await createSharer({ html: pageHtml(page) });
  const doc = sharer.doc;
  const s: Session = await startSession(sharer, {
    mask: { text: MASK_SEL, block: BLOCK_SEL, ignore: IGNORE_SEL, unmask: UNMASK_SEL, inputs: page.inputs },
  });
  let n = 0;
  const released = new Map<number, number>(); // canary -> first frame index where it may appear
  const made: number[] = [];
  const where = new Map<number, string>();
  let current = '';
  const canary = () => {
    const c = ++n;
    made.push(c);
    where.set(c, current);
    return `${token}${c}Qé漢😀`;
  };
  const checkpoint = () => {
    for (const c of visibleNow(doc, page.inputs)) if (!released.has(c)) released.set(c, s.frames.length);
  };
  const $ = (id: string) => doc.getElementById(id);
  checkpoint();
  for (const step of steps) {
    const b = 'box' in step ? $(`b${step.box}`) : null;
    current = JSON.stringify(step);
    switch (step.k) {
      case 'text': {
        const p = $(`p${step.box}`);
        if (p) p.textContent = step.canary ? canary() : `neutral ${n}`;
        break;
      }
      case 'attr': {
        const el = $(`${step.on}${step.box}`);
        el?.setAttribute(step.attr, canary());
        break;
      }
      case 'type': {
        const f = $(`f${step.box}`) as HTMLInputElement | null;
        if (f) typeInto(f, canary());
        break;
      }
      case 'typeTa': {
        const f = $(`ta${step.box}`) as HTMLTextAreaElement | null;
        if (f) typeInto(f, canary());
        break;
      }
      case 'valueAttr':
        $(`f${step.box}`)?.setAttribute('value', canary());
        break;
      case 'move': {
        const prefix = step.what === 'box' ? 'b' : step.what;
        const el = $(`${prefix}${step.from}`);
        const to = step.to < 0 ? $('free') : $(`b${step.to}`);
        if (el && to && !el.contains(to)) to.appendChild(el);
        break;
      }
      case 'class':
        b?.classList.toggle(step.cls);
        break;
      case 'maskAttr':
        if (b) b.toggleAttribute(step.attr);
        break;
      case 'html':
        b?.insertAdjacentHTML(
          'beforeend',
          `<div><b title="${canary()}">${canary()}</b><textarea>${canary()}</textarea><input type="password" value="${canary()}"><input type="hidden" value="${canary()}"><img alt="${canary()}"><!--${canary()}--></div>`,
        );
        break;
      case 'style': {
        const st = $(`st${step.box}`) as HTMLStyleElement | null;
        if (!st) break;
        if (step.cssom && st.sheet) st.sheet.insertRule(`.c${n}::before{content:"${canary()}"}`, 0);
        else st.textContent = `.c${n}::after{content:"${canary()}"}`;
        break;
      }
      case 'title':
        doc.title = canary();
        break;
      case 'comment':
        b?.appendChild(doc.createComment(canary()));
        break;
      case 'fieldType': {
        const f = $(`f${step.box}`);
        // password -> text -> hidden -> password: a field leaves and enters each state with its value
        const next: Record<string, string> = { password: 'text', text: 'hidden', hidden: 'password' };
        if (f) f.setAttribute('type', next[f.getAttribute('type') ?? 'text'] ?? 'password');
        break;
      }
      case 'settle':
        await s.settle();
        break;
    }
    checkpoint();
  }
  await s.settle();
  s.handle.resync();
  await s.settle();
  checkpoint();
  // scan: each occurrence of the token in each frame names its canary; allowed only from its release
  const leaks: string[] = [];
  const needle8 = enc.encode(token);
  const needle16 = utf16(token);
  const dec = new TextDecoder();
  s.frames.forEach((f, i) => {
    totals.bytes += f.length;
    if (countBytes(f, needle16)) leaks.push(`UTF-16 canary bytes in frame ${i}`);
    if (!countBytes(f, needle8)) return;
    const text = dec.decode(f);
    for (const c of canariesIn(text)) {
      const from = released.get(c);
      if (from === undefined || i < from) {
        let op = '?';
        try {
          const ops = (decodeFrame(f) as { ops: unknown[] }).ops.map((o) => JSON.stringify(o)).filter((o) => o.includes(`${token}${c}Q`));
          op = ops.map((o) => o.slice(0, 160)).join(' / ');
        } catch {
          /* diagnostics only */
        }
        leaks.push(
          `canary ${c} (${where.get(c)}) in frame ${i} (${from === undefined ? 'never visible' : `visible from frame ${from}`}) op: ${op}`,
        );
      }
    }
  });
  totals.runs++;
  totals.steps += steps.length;
  totals.frames += s.frames.length;
  totals.canaries += made.length;
  totals.released += released.size;
  cleanup();
  return leaks;
}

describe('hard: masking property (fast-check)', () => {
  it(`no canary byte in any frame where it is masked, ${RUNS} runs x ~${STEPS} steps`, async function () {
    (this as unknown as { timeout(ms: number): void }).timeout(900_000);
    const seed = SEED ?? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
    const totals: Totals = { runs: 0, steps: 0, frames: 0, bytes: 0, canaries: 0, released: 0, leaks: [] };
    const started = performance.now();
    let failure: unknown = null;
    try {
      await fc.assert(
        fc.asyncProperty(pageArb, fc.array(stepArb, { minLength: STEPS - 4, maxLength: STEPS + 4 }), async (page, steps) => {
          let leaks: string[];
          try {
            leaks = await runOne(page, steps, totals);
          } catch (err) {
            console.log(`[masking-property] run threw: ${(err as Error)?.stack ?? err}`);
            throw err;
          }
          if (leaks.length) {
            totals.leaks.push(...leaks.slice(0, 5));
            throw new Error(`masked data in frames: ${leaks.slice(0, 5).join('; ')}`);
          }
        }),
        { numRuns: RUNS, seed, endOnFailure: true },
      );
    } catch (e) {
      failure = e;
    }
    console.log(
      `[masking-property] seed=${seed} runs=${totals.runs} steps=${totals.steps} frames=${totals.frames} bytes=${totals.bytes} ` +
        `canaries=${totals.canaries} (legitimately visible: ${totals.released}) leaks=${totals.leaks.length} ` +
        `time=${Math.round((performance.now() - started) / 1000)}s`,
    );
    if (totals.leaks.length) console.log(`[masking-property] leaks: ${totals.leaks.join(' | ')}`);
    if (failure) throw failure;
  });
});

// Shared by test/hardening/fuzz-*.test.mjs: a seeded PRNG, a generator of valid frames (plain data, as
// FrameDecoder returns them), byte-level mutators and a hang watchdog. Not a test file itself.
import { Worker } from 'node:worker_threads';
import { NodeKind, OpCode, MAX_DEPTH } from './protocol-src.mjs';

// ---- hang watchdog ---------------------------------------------------------------------------------

/**
 * A watchdog for synchronous calls (a decode, a push) that may never return. A timer on the main
 * thread cannot fire while the main thread is stuck, so the watch runs in a worker: the caller marks a
 * call busy (`enter(bytes)`) and done (`leave()`) in shared memory; if one call stays busy for
 * `seconds`, the worker writes which case it was (its number and first bytes, to replay it) straight to
 * stderr and kills the process, so node:test reports the file as failed. Not a speed bound: the calls it
 * watches take micro- to milliseconds, `seconds` is only there to catch a call that never ends.
 */
export function hangWatchdog(what, seconds = 30) {
  const SAMPLE = 64;
  // [0] calls entered, [1] busy (1) or idle (0), [2] stop, [3] sample length; then the sample bytes
  const state = new Int32Array(new SharedArrayBuffer(16 + SAMPLE));
  const sample = new Uint8Array(state.buffer, 16, SAMPLE);
  const worker = new Worker(
    `const { workerData: { state, what, seconds } } = require('node:worker_threads');
    const fs = require('node:fs');
    let seen = -1, since = Date.now();
    while (Atomics.load(state, 2) === 0) {
      Atomics.wait(state, 2, 0, 1000);
      const n = Atomics.load(state, 0);
      if (n !== seen || Atomics.load(state, 1) === 0) { seen = n; since = Date.now(); continue; }
      if (Date.now() - since < seconds * 1000) continue;
      const bytes = Buffer.from(new Uint8Array(state.buffer, 16, Atomics.load(state, 3))).toString('hex');
      fs.writeSync(2, 'HANG: ' + what + ' #' + n + ' did not return within ' + seconds + ' s (first bytes: ' + bytes + ')\\n');
      process.kill(process.pid, 'SIGKILL');
    }`,
    { eval: true, workerData: { state, what, seconds } },
  );
  worker.unref();
  return {
    /** A call starts; `bytes` (its input) is kept so a hang can be replayed. */
    enter(bytes) {
      const n = Math.min(SAMPLE, bytes?.length ?? 0);
      if (n) sample.set(bytes.subarray(0, n));
      Atomics.store(state, 3, n);
      Atomics.add(state, 0, 1);
      Atomics.store(state, 1, 1);
    },
    leave() {
      Atomics.store(state, 1, 0);
    },
    /** Runs `fn` as one watched call. */
    watch(bytes, fn) {
      this.enter(bytes);
      try {
        return fn();
      } finally {
        this.leave();
      }
    },
    stop() {
      Atomics.store(state, 2, 1);
      Atomics.notify(state, 2);
    },
  };
}

/** sfc32: small, fast, repeatable. Same seed → same run. */
export function prng(seed) {
  let a = 0x9e3779b9,
    b = 0x243f6a88,
    c = 0xb7e15162,
    d = seed >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 16; i++) next();
  const r = {
    u32: next,
    /** integer in [0, n) */
    int: (n) => (n <= 0x100000000 ? Math.floor((next() / 0x100000000) * n) : Math.floor(((next() * 0x100000000 + next()) / 2 ** 64) * n)),
    range: (lo, hi) => lo + r.int(hi - lo + 1),
    chance: (p) => next() / 0x100000000 < p,
    pick: (arr) => arr[r.int(arr.length)],
    bytes: (n) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = next() & 0xff;
      return out;
    },
  };
  return r;
}

export function seedFromEnv(name, fallback) {
  const v = process.env[name];
  return v === undefined ? fallback : Number(v) >>> 0;
}

// ---- valid frames ----------------------------------------------------------------------------------

const NAMES = [
  'div',
  'span',
  'a',
  'p',
  'input',
  'li',
  'ul',
  'svg',
  'path',
  'math',
  'mi',
  'x-widget',
  'my-el',
  'template',
  'iframe',
  'option',
  'select',
  'textarea',
];
const ATTRS = ['class', 'id', 'href', 'style', 'data-x', 'aria-label', 'xlink:href', 'xml:lang', 'title', 'value', 'type', 'd'];
const WORDS = [
  '',
  'a',
  'hello',
  'btn btn-primary',
  '10px',
  'https://example.com/p?q=1',
  'Kumo Tea',
  'tea',
  '日本語のテキスト',
  'émoji 🍵 ok',
  'Ω≈ç√∫',
  'tab\tnew\nline',
  '\u0000nul',
  '"quoted"<b>&amp;',
  '\u{10FFFF}',
  '⚠',
];

/** A random valid string (no lone surrogates: they do not survive UTF-8, by design of UTF-8). */
export function randStr(r, maxLen = 60) {
  const k = r.int(10);
  if (k < 5) return r.pick(WORDS);
  const len = r.int(maxLen);
  let s = '';
  for (let i = 0; i < len; i++) {
    const c = r.int(10);
    if (c < 6) s += String.fromCharCode(0x20 + r.int(95));
    else if (c < 8) s += String.fromCharCode(0xa0 + r.int(0x2000));
    else if (c < 9) s += String.fromCodePoint(0x10000 + r.int(0xfffff));
    else s += String.fromCharCode(0x3000 + r.int(0x6000));
  }
  return s;
}

/** Unique node ids for one frame, ascending with random gaps or jumping around (delta-coded either way). */
function idSource(r) {
  const used = new Set();
  let last = r.int(1000);
  return () => {
    for (;;) {
      const id = r.chance(0.8) ? last + 1 + r.int(r.chance(0.9) ? 3 : 100000) : 1 + r.int(2 ** 30 - 2);
      if (id < 1 || id >= 2 ** 30 || used.has(id)) continue;
      used.add(id);
      last = id;
      return id;
    }
  };
}

/**
 * A random valid subtree, as a pre-order WireNode array. `rootKind` forces the root's kind.
 * Budget bounds the node count; depth bounds nesting.
 */
export function randTree(r, nextId, { rootKind, budget = 30, maxDepth = 12 } = {}) {
  const nodes = [];
  let left = budget;
  // iterative: explicit stack of [kind-or-null, parentIndex, slot, depth]
  function emit(kind, parent, slot, depth) {
    left--;
    const index = nodes.length;
    const parentNode = parent >= 0 ? nodes[parent] : null;
    if (kind === undefined) {
      // a child in a child list: anything but shadow / fragment / document
      const choices = [
        NodeKind.HtmlElement,
        NodeKind.HtmlElement,
        NodeKind.SvgElement,
        NodeKind.MathElement,
        NodeKind.OtherElement,
        NodeKind.Text,
        NodeKind.Text,
        NodeKind.Comment,
        NodeKind.CData,
        NodeKind.Ref,
      ];
      if (parentNode && parentNode.kind === NodeKind.Document) choices.push(NodeKind.Doctype);
      if (!parentNode) choices.push(NodeKind.Doctype, NodeKind.Shadow, NodeKind.Fragment);
      kind = r.pick(choices);
    }
    const base = { kind, parent, slot };
    switch (kind) {
      case NodeKind.Ref:
        nodes.push({ ...base, id: 1 + r.int(2 ** 30) });
        return;
      case NodeKind.Text:
      case NodeKind.Comment:
      case NodeKind.CData:
        nodes.push({ ...base, id: nextId(), data: randStr(r, 120) });
        return;
      case NodeKind.Doctype:
        nodes.push({
          ...base,
          id: nextId(),
          name: r.pick(['html', 'svg', '']),
          publicId: r.chance(0.3) ? '-//W3C//DTD XHTML 1.0 Transitional//EN' : '',
          systemId: r.chance(0.2) ? randStr(r, 20) : '',
        });
        return;
      case NodeKind.Document:
        nodes.push({ ...base, id: nextId(), mode: r.pick(['no-quirks', 'quirks', 'limited-quirks']) });
        break;
      case NodeKind.Shadow:
        nodes.push({ ...base, id: nextId(), mode: r.pick(['open', 'closed']) });
        break;
      case NodeKind.Fragment:
        nodes.push({ ...base, id: nextId() });
        break;
      default: {
        const el = { ...base, id: nextId(), name: r.chance(0.8) ? r.pick(NAMES) : randStr(r, 12) || 'x', attrs: [] };
        if (kind === NodeKind.OtherElement) el.ns = r.pick(['urn:x', '', 'http://example.com/ns']);
        const na = r.chance(0.5) ? r.int(5) : 0;
        for (let i = 0; i < na; i++) el.attrs.push(r.chance(0.8) ? r.pick(ATTRS) : randStr(r, 10), randStr(r, 50));
        if (r.chance(0.15)) el.value = randStr(r, 30);
        if (r.chance(0.1)) el.checked = true;
        if (r.chance(0.1)) el.selected = true;
        if (r.chance(0.1)) el.unloaded = true;
        nodes.push(el);
      }
    }
    // a container: children, then (elements) the extras in order shadow, content, document
    const nKids = depth < maxDepth && left > 0 ? r.int(Math.min(5, left + 1)) : 0;
    for (let i = 0; i < nKids && left > 0; i++) emit(undefined, index, 'child', depth + 1);
    if (kind >= NodeKind.HtmlElement && kind <= NodeKind.OtherElement && depth < maxDepth) {
      if (left > 0 && r.chance(0.08)) emit(NodeKind.Shadow, index, 'shadow', depth + 1);
      if (left > 0 && r.chance(0.05)) emit(NodeKind.Fragment, index, 'content', depth + 1);
      if (left > 0 && r.chance(0.04)) emit(NodeKind.Document, index, 'document', depth + 1);
    }
  }
  emit(rootKind, -1, 'child', 0);
  return nodes;
}

/** A deep chain of elements (valid up to MAX_DEPTH nodes). */
export function chainTree(depth, firstId = 1) {
  const nodes = [];
  for (let i = 0; i < depth; i++)
    nodes.push({ kind: NodeKind.HtmlElement, id: firstId + i, parent: i - 1, slot: 'child', name: 'div', attrs: [] });
  return nodes;
}

const posId = (r) => (r.chance(0.7) ? 1 + r.int(500) : 1 + r.int(2 ** 30 - 1));
const i32 = (r) => (r.chance(0.7) ? r.int(4000) - 2000 : r.int(2 ** 31 - 1) * (r.chance(0.5) ? 1 : -1));
const u32 = (r) => (r.chance(0.7) ? r.int(5000) : r.int(2 ** 32));

/** One random valid op. `top` = may write a top-level document TREE. */
export function randOp(r, nextId, top = false) {
  const code = 1 + r.int(25);
  switch (code) {
    case OpCode.Meta:
      return { op: code, url: randStr(r, 80) };
    case OpCode.Viewport:
      return { op: code, width: u32(r), height: u32(r), dpr: r.int(4000) / 1000 };
    case OpCode.Tree: {
      if (top)
        return { op: code, parent: 0, before: 0, nodes: randTree(r, nextId, { rootKind: NodeKind.Document, budget: 20 + r.int(60) }) };
      return { op: code, parent: posId(r), before: r.chance(0.5) ? 0 : posId(r), nodes: randTree(r, nextId, { budget: 1 + r.int(25) }) };
    }
    case OpCode.Remove:
      return { op: code, id: posId(r) };
    case OpCode.Text:
      return { op: code, id: posId(r), data: randStr(r, 100) };
    case OpCode.Attr:
      return { op: code, id: posId(r), name: r.pick(ATTRS), value: randStr(r, 60) };
    case OpCode.AttrDel:
      return { op: code, id: posId(r), name: r.chance(0.8) ? r.pick(ATTRS) : randStr(r, 10) };
    case OpCode.Value:
      return { op: code, id: posId(r), value: randStr(r, 50) };
    case OpCode.Checked:
      return { op: code, id: posId(r), checked: r.chance(0.5) };
    case OpCode.Selected:
      return { op: code, id: posId(r), selected: r.chance(0.5) };
    case OpCode.Scroll:
      return { op: code, id: posId(r), x: i32(r), y: i32(r) };
    case OpCode.Focus:
      return { op: code, id: r.chance(0.2) ? 0 : posId(r) };
    case OpCode.Selection:
      return { op: code, anchor: r.chance(0.2) ? 0 : posId(r), anchorOffset: u32(r), focus: posId(r), focusOffset: u32(r) };
    case OpCode.Hover:
      return { op: code, id: r.chance(0.2) ? 0 : posId(r) };
    case OpCode.Pointer:
      return { op: code, x: i32(r), y: i32(r) };
    case OpCode.Click:
      return { op: code, x: i32(r), y: i32(r) };
    case OpCode.SheetNew:
      return { op: code, sheet: posId(r), document: posId(r) };
    case OpCode.SheetRules: {
      const rules = [];
      for (let i = r.int(6); i > 0; i--) rules.push(r.chance(0.5) ? `.c${r.int(99)} { color: red }` : randStr(r, 80));
      return { op: code, ref: 2 + r.int(1000), rules };
    }
    case OpCode.SheetInsert:
      return { op: code, ref: 2 + r.int(1000), index: u32(r), rule: randStr(r, 60) };
    case OpCode.SheetDelete:
      return { op: code, ref: 2 + r.int(1000), index: u32(r) };
    case OpCode.Adopt: {
      const sheets = [];
      for (let i = r.int(5); i > 0; i--) sheets.push(posId(r));
      return { op: code, target: posId(r), sheets };
    }
    case OpCode.Media:
      return {
        op: code,
        id: posId(r),
        paused: r.chance(0.5),
        time: r.int(10_000_000) / 1000,
        rate: r.int(4000) / 1000,
        muted: r.chance(0.5),
      };
    case OpCode.Canvas:
      return { op: code, id: posId(r), image: 'data:image/png;base64,' + randStr(r, 200) };
    case OpCode.Dialog:
      return { op: code, id: posId(r), state: r.int(3) };
    case OpCode.Loaded:
      return { op: code, id: posId(r) };
  }
  throw new Error('unreachable');
}

/** A random valid frame (plain data). A snapshot starts with a top-level document. */
export function randFrame(r, kind, seq) {
  const nextId = idSource(r);
  const ops = [];
  if (kind === 'snapshot') ops.push(randOp(r, nextId, true));
  for (let n = r.int(kind === 'snapshot' ? 6 : 10); n > 0; n--) ops.push(randOp(r, nextId));
  return { kind, seq, ops };
}

// ---- mutations -------------------------------------------------------------------------------------

/** uv bytes of v (v < 2^35 here, so over-limit values can be written too). */
export function uvBytes(v, minLen = 1) {
  const out = [];
  do {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  } while (v > 0 || out.length < minLen);
  out[out.length - 1] &= 0x7f;
  return out;
}
const HUGE_VARINTS = [
  [0xff, 0xff, 0xff, 0xff, 0x0f], // 2^32 - 1: the largest allowed
  [0x80, 0x80, 0x80, 0x80, 0x10], // 2^32: one over
  [0xff, 0xff, 0xff, 0xff, 0x7f], // 2^35 - 1
  [0x80, 0x80, 0x80, 0x80, 0x80, 0x01], // six bytes
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], // ten bytes
  [0x80, 0x80, 0x80, 0x80, 0x00], // non-minimal zero (allowed)
  [0xfc, 0xff, 0xff, 0xff, 0x0f], // string header: a literal of 2^30 - 1 bytes
];

const splice = (b, at, del, ins) => {
  const out = new Uint8Array(b.length - del + ins.length);
  out.set(b.subarray(0, at));
  out.set(ins, at);
  out.set(b.subarray(at + del), at + ins.length);
  return out;
};

export const MUTATORS = {
  'bit-flip': (r, b) => {
    if (!b.length) return b;
    const out = b.slice();
    for (let n = 1 + r.int(r.chance(0.7) ? 1 : 8); n > 0; n--) out[r.int(out.length)] ^= 1 << r.int(8);
    return out;
  },
  'byte-set': (r, b) => {
    if (!b.length) return b;
    const out = b.slice();
    out[r.int(out.length)] = r.pick([0, 1, 2, 3, 4, 0x0c, 0x18, 0x19, 0x7f, 0x80, 0xfe, 0xff]);
    return out;
  },
  truncate: (r, b) => b.subarray(0, r.int(b.length)),
  insert: (r, b) => splice(b, r.int(b.length + 1), 0, r.bytes(1 + r.int(16))),
  delete: (r, b) => {
    const at = r.int(b.length + 1);
    return splice(b, at, r.int(Math.min(16, b.length - at) + 1), []);
  },
  'duplicate-range': (r, b) => {
    if (!b.length) return b;
    const from = r.int(b.length);
    const len = 1 + r.int(Math.min(64, b.length - from));
    return splice(b, r.int(b.length + 1), 0, b.slice(from, from + len));
  },
  'huge-varint': (r, b) => {
    const v = r.pick(HUGE_VARINTS);
    const at = r.int(b.length + 1);
    return splice(b, at, r.chance(0.5) ? Math.min(r.int(5), b.length - at) : 0, Uint8Array.from(v));
  },
  'string-ref': (r, b) => {
    // a string header that refers to the table: an index past it, or past its limits
    const idx = r.pick([r.int(8), 4095, 4096, 65535, 65536, r.int(2 ** 30 - 1)]);
    const at = r.int(b.length + 1);
    return splice(b, at, Math.min(r.int(3), b.length - at), Uint8Array.from(uvBytes(idx * 4 + r.pick([0, 0, 0, 3]))));
  },
  'end-marker': (r, b) => {
    const at = r.int(b.length + 1);
    return splice(b, at, 0, Uint8Array.of(r.pick([3, 0, 0x80])));
  },
  splice: (r, b, other) => {
    const o = other ?? b;
    return concat(b.subarray(0, r.int(b.length + 1)), o.subarray(r.int(o.length + 1)));
  },
};
export const MUTATOR_NAMES = Object.keys(MUTATORS);

export function concat(...parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Crafted hostile frames, byte by byte: depth bombs, huge claimed sizes, bogus refs. */
export function depthBomb(depth, { close = true, header = [1, 0, 0, 0] } = {}) {
  // TREE parent=1 before=0, `depth` nested <div>s (id delta 0 each: ids 1,2,3...), ENDs if close
  const head = [...header, OpCode.Tree, 1, 0];
  // each element: kind 1, id sv 0, name literal "d" (h = 1*4+1 = 5, 'd'), attrs end 3, flags 0
  const el = [NodeKind.HtmlElement, 0, 5, 0x64, 3, 0];
  const out = new Uint8Array(head.length + depth * el.length + (close ? depth : 0));
  out.set(head);
  let at = head.length;
  for (let i = 0; i < depth; i++) {
    out.set(el, at);
    at += el.length;
  }
  return out; // the trailing bytes are zero = END, one per level
}
export { MAX_DEPTH };

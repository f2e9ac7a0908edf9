// Tiny assertion helpers (no assertion library is installed) and typed access to mocha's globals,
// which web-test-runner sets before it imports a test file. No global declarations: other test files
// may declare their own.

type Fn = (this: Mocha, done?: unknown) => unknown;
/** The part of mocha's `this` the tests use. */
export interface Mocha {
  timeout(ms: number): void;
  skip(): never;
}
interface Suite {
  (name: string, body: () => void): void;
  skip(name: string, body: () => void): void;
  only(name: string, body: () => void): void;
}
interface Test {
  (name: string, body: Fn): void;
  skip(name: string, body?: Fn): void;
  only(name: string, body: Fn): void;
}
const g = globalThis as unknown as Record<string, unknown>;
export const describe = g.describe as Suite;
export const it = g.it as Test;
export const before = g.before as (body: Fn) => void;
export const after = g.after as (body: Fn) => void;
export const beforeEach = g.beforeEach as (body: Fn) => void;
export const afterEach = g.afterEach as (body: Fn) => void;

export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function fail(message: string): never {
  throw new AssertionError(message);
}

export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) fail(message);
}

/** A short, readable rendering of a value for messages. */
export function show(value: unknown, max = 300): string {
  let s: string;
  if (typeof value === 'string') s = JSON.stringify(value);
  else if (isNode(value)) s = describeNode(value);
  else {
    try {
      s = JSON.stringify(value, (_k, v: unknown) =>
        typeof v === 'bigint' ? String(v) : isNode(v) ? describeNode(v) : isWindow(v) ? '#window' : v,
      );
    } catch {
      s = String(value);
    }
    if (s === undefined) s = String(value);
  }
  return s.length > max ? `${s.slice(0, max)}…(${s.length} chars)` : s;
}

const nodeTypeOf = Object.getOwnPropertyDescriptor(Node.prototype, 'nodeType')!.get!;
/** A node of any same-origin realm (the sharer's and mirror's iframes have their own Node). */
function isNode(v: unknown): v is Node {
  if (typeof v !== 'object' || v === null) return false;
  try {
    nodeTypeOf.call(v); // the platform's brand check: throws for anything but a node
    return true;
  } catch {
    return false;
  }
}
function isWindow(v: unknown): boolean {
  return typeof v === 'object' && v !== null && tag(v) === 'Window';
}

export function describeNode(node: Node | null | undefined): string {
  if (!node) return String(node);
  if (node.nodeType === 1) {
    const el = node as Element;
    return `<${el.localName}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${[...el.classList].join('.')}` : ''}>`;
  }
  if (node.nodeType === 3) return `#text(${JSON.stringify((node as Text).data.slice(0, 40))})`;
  if (node.nodeType === 8) return `#comment(${JSON.stringify((node as Comment).data.slice(0, 40))})`;
  if (node.nodeType === 9) return '#document';
  if (node.nodeType === 11) return (node as ShadowRoot).host ? '#shadow-root' : '#fragment';
  return node.nodeName;
}

/** The built-in kind of a value ("Object", "Array", "Uint8Array", "Map", "HTMLDivElement", …), from any realm. */
function tag(o: object): string {
  return Object.prototype.toString.call(o).slice(8, -1);
}

/**
 * A plain object: a literal or Object.create(null). Its prototype is some realm's Object.prototype (the
 * sharer and mirror iframes have their own) or null. Class instances, nodes, windows and events are not.
 */
function isPlain(o: object): boolean {
  if (tag(o) !== 'Object') return false;
  const proto: unknown = Object.getPrototypeOf(o);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * Structural equality for data (plain objects, arrays, typed arrays, ArrayBuffers, Maps, Sets, Dates),
 * identity for everything else. Nodes, windows, functions and class instances have no own enumerable
 * keys worth comparing — comparing them by keys made any two elements "equal" — so they must be the
 * same object. Set members and Map keys are matched by identity (as the Set and Map themselves do).
 */
function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || !a || !b) return false;
  const kind = tag(a);
  if (kind !== tag(b)) return false;
  if (Array.isArray(a)) return Array.isArray(b) && sameKeys(a, b);
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) return sameElements(a, b);
  if (kind === 'ArrayBuffer') return sameElements(new Uint8Array(a as ArrayBuffer), new Uint8Array(b as ArrayBuffer));
  if (kind === 'Date') return Object.is((a as Date).getTime(), (b as Date).getTime());
  if (kind === 'Map') return sameMap(a as Map<unknown, unknown>, b as Map<unknown, unknown>);
  if (kind === 'Set') return sameSet(a as Set<unknown>, b as Set<unknown>);
  if (isPlain(a) && isPlain(b)) return sameKeys(a, b);
  return false; // not the same object, and not data: nodes, windows, class instances, …
}

function sameKeys(a: object, b: object): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], rb[k]));
}

type Indexed = ArrayLike<number | bigint>;

/** Typed arrays of the same kind element by element (as top-level values: Object.is); DataViews byte by byte. */
function sameElements(a: ArrayBufferView, b: ArrayBufferView): boolean {
  const [x, y]: Indexed[] =
    'length' in a
      ? [a as unknown as Indexed, b as unknown as Indexed]
      : [new Uint8Array(a.buffer, a.byteOffset, a.byteLength), new Uint8Array(b.buffer, b.byteOffset, b.byteLength)];
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

function sameSet(a: Set<unknown>, b: Set<unknown>): boolean {
  if (a.size !== b.size) return false;
  for (const v of a) if (!b.has(v)) return false;
  return true;
}

function sameMap(a: Map<unknown, unknown>, b: Map<unknown, unknown>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (!b.has(k) || !deepEqual(v, b.get(k))) return false;
  return true;
}

export function assertEqual<T>(actual: T, expected: T, message = ''): void {
  if (!deepEqual(actual, expected)) {
    fail(`${message ? `${message}: ` : ''}expected ${show(expected)}, got ${show(actual)}`);
  }
}

export function assertNotEqual<T>(actual: T, unexpected: T, message = ''): void {
  if (deepEqual(actual, unexpected)) fail(`${message ? `${message}: ` : ''}did not expect ${show(actual)}`);
}

export function assertClose(actual: number, expected: number, tolerance: number, message = ''): void {
  if (!(Math.abs(actual - expected) <= tolerance)) {
    fail(`${message ? `${message}: ` : ''}expected ${expected} ± ${tolerance}, got ${actual}`);
  }
}

/** Fails with the first differences listed (the comparer's output). */
export function assertNoDiffs(diffs: readonly string[], message = 'sharer and mirror differ'): void {
  if (diffs.length === 0) return;
  const first = diffs.slice(0, 15).map((d) => `  - ${d}`);
  fail(`${message}: ${diffs.length} difference(s)\n${first.join('\n')}${diffs.length > 15 ? '\n  …' : ''}`);
}

export async function assertRejects(fn: () => unknown, message = 'expected an error'): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  fail(message);
}

export function assertThrows(fn: () => unknown, message = 'expected an error'): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  fail(message);
}

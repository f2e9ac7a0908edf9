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
  else if (value instanceof Node) s = describeNode(value);
  else {
    try {
      s = JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    } catch {
      s = String(value);
    }
    if (s === undefined) s = String(value);
  }
  return s.length > max ? `${s.slice(0, max)}…(${s.length} chars)` : s;
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

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || !a || !b) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return a.length === b.length && a.every((v, i) => v === b[i]);
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
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

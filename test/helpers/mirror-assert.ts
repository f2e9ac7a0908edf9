// Tiny assertion helpers (no chai in this repo).
import type { Mocha } from './assert.js';

export function ok(v: unknown, msg = 'expected truthy'): asserts v {
  if (!v) throw new Error(msg);
}
export function equal<T>(a: T, b: T, msg = ''): void {
  if (a !== b) throw new Error(`${msg} expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`);
}
export function throwsCode(fn: () => unknown, code: string): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  ok(err, `expected a throw with code ${code}`);
  const c = (err as { code?: string; name?: string }).code;
  equal((err as Error).name, 'ProtocolError', 'error name');
  equal(c, code, 'error code');
}
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

// mocha's globals (from web-test-runner), typed here: the repo has no @types/mocha
type Fn = (this: Mocha) => void | Promise<void>;
const g = globalThis as unknown as { describe: (name: string, fn: () => void) => void; it: (name: string, fn: Fn) => void };
export const describe = (name: string, fn: () => void): void => g.describe(name, fn);
export const it = (name: string, fn: Fn): void => g.it(name, fn);

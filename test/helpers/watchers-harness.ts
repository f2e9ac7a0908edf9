// A small harness for the capture watchers: a real FrameEncoder/FrameDecoder pair and a minimal
// CaptureContext (ids from a walk of the real DOM), so each watcher can be driven frame by frame.
import { FrameKind, OpCode } from '../../src/protocol/constants.js';
import { FrameDecoder } from '../../src/protocol/decoder.js';
import { FrameEncoder } from '../../src/protocol/encoder.js';
import type { Op } from '../../src/protocol/types.js';
import type { CaptureContext, CaptureWatcher, CaptureRoot } from '../../src/capture/context.js';
import { MaskPolicy, type MaskOptions } from '../../src/capture/mask.js';
import { activePatchCount } from '../../src/capture/patches.js';
import { afterEach, beforeEach } from './assert.js';

export function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}
export function eq<T>(actual: T, expected: T, msg: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${msg}: expected ${e}, got ${a}`);
}

export type OpOf<C extends OpCode> = Extract<Op, { op: C }>;
export function only<C extends OpCode>(ops: Op[], code: C): OpOf<C>[] {
  return ops.filter((o) => o.op === code) as OpOf<C>[];
}

export const tick = (ms = 0) => new Promise<void>((r) => setTimeout(r, ms));
export const raf = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
/** Waits until `cond()` holds (polling each task), at most `ms`. */
export async function until(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await tick(10);
  }
}

export class Harness {
  readonly encoder = new FrameEncoder();
  readonly decoder = new FrameDecoder();
  readonly ids = new WeakMap<Node, number>();
  readonly roots = new Set<CaptureRoot>();
  readonly ctx: CaptureContext;
  flushRequests = 0;
  /** Every frame's bytes, to search for secrets. */
  readonly allBytes: Uint8Array[] = [];
  private next = 1;
  private seq = 0;
  private added: Element[] = [];

  constructor(
    readonly doc: Document,
    readonly watchers: CaptureWatcher[],
    mask?: MaskOptions,
  ) {
    const policy = new MaskPolicy(mask);
    this.ctx = {
      document: doc,
      encoder: this.encoder,
      mask: policy,
      id: (n) => this.ids.get(n) ?? 0,
      // the capture keeps these answers between deltas; here every question walks up (no deltas to forget them)
      textMasked: (n) => policy.isTextMaskedAt(n) || (n instanceof HTMLTextAreaElement && policy.isValueMasked(n, false)),
      requestFlush: () => {
        this.flushRequests++;
      },
      roots: () => this.roots,
    };
  }

  /** Gives ids to `node`'s subtree (open shadow roots and same-origin frames too), like the core. */
  assign(node: Node): void {
    const stack: Node[] = [node];
    while (stack.length) {
      const n = stack.pop()!;
      if (this.ids.has(n)) continue;
      this.ids.set(n, this.next++);
      if (n.nodeType === 9 || n.nodeType === 11) {
        if (n.nodeType === 9 || (n as ShadowRoot).host) this.addRoot(n as CaptureRoot);
      }
      if (n.nodeType === 1) {
        const el = n as Element;
        this.added.push(el);
        if (el.shadowRoot) stack.push(el.shadowRoot);
        if (el.localName === 'iframe') {
          const d = (el as HTMLIFrameElement).contentDocument;
          if (d) stack.push(d);
        }
      }
      for (let c = n.lastChild; c; c = c.previousSibling) stack.push(c);
    }
  }
  forget(node: Node): void {
    this.ids.delete(node);
    node.childNodes.forEach((c) => this.forget(c));
  }
  private addRoot(root: CaptureRoot): void {
    this.roots.add(root);
    for (const m of this.watchers) m.rootAdded?.(root, this.ctx);
  }

  private frame(kind: FrameKind, write: (m: CaptureWatcher) => void): Op[] {
    this.encoder.begin(kind, kind === FrameKind.Snapshot ? this.seq : ++this.seq);
    const added = this.added;
    this.added = [];
    for (const el of added) {
      for (const m of this.watchers) {
        if (m.elementAdded && (!m.tags || m.tags.includes(el.localName)))
          m.elementAdded(el, this.ids.get(el)!, this.ctx, kind === FrameKind.Snapshot);
      }
    }
    for (const m of this.watchers) write(m);
    const bytes = this.encoder.finish();
    this.allBytes.push(bytes);
    const frame = this.decoder.decode(bytes);
    this.decoder.commit();
    return frame.ops;
  }
  snapshot(): Op[] {
    if (!this.ids.has(this.doc)) this.assign(this.doc);
    return this.frame(FrameKind.Snapshot, (m) => m.snapshot(this.ctx));
  }
  flush(): Op[] {
    return this.frame(FrameKind.Delta, (m) => m.flush(this.ctx));
  }
  stop(): void {
    for (const m of this.watchers) m.stop();
  }
  id(n: Node): number {
    return this.ids.get(n) ?? 0;
  }
}

/** Whether `needle` (as UTF-8) occurs in any of the frames. */
export function bytesContain(frames: readonly Uint8Array[], needle: string): boolean {
  const n = new TextEncoder().encode(needle);
  for (const f of frames) {
    outer: for (let i = 0; i + n.length <= f.length; i++) {
      for (let j = 0; j < n.length; j++) if (f[i + j] !== n[j]) continue outer;
      return true;
    }
  }
  return false;
}

/** A fresh same-origin iframe document to test in (its own realm, cleaned up by the caller). */
export async function freshFrame(
  html = '<!doctype html><html><head></head><body></body></html>',
): Promise<{ frame: HTMLIFrameElement; doc: Document }> {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width:800px;height:600px;border:0';
  document.body.append(frame);
  await new Promise<void>((r) => {
    frame.addEventListener('load', () => r(), { once: true });
    frame.srcdoc = html;
  });
  return { frame, doc: frame.contentDocument! };
}

/**
 * The fixture every watcher test file shares: a fresh container in the page before each test; after
 * it, the test's harness stopped, the container removed, `cleanup` run, and no prototype patch left.
 */
export function perTestBox(setBox: (box: HTMLElement) => void, harness: () => Harness | undefined, cleanup?: () => void): void {
  let box: HTMLElement | null = null;
  beforeEach(() => {
    box = document.createElement('div');
    document.body.append(box);
    setBox(box);
  });
  afterEach(() => {
    harness()?.stop();
    box?.remove();
    cleanup?.();
    eq(activePatchCount(), 0, 'patches left after stop');
  });
}

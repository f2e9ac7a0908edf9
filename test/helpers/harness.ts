// The fidelity harness: a sharer page in a same-origin <iframe> of the test page, a Mirror next to it,
// and a capture session between them. Every frame is kept (raw bytes, for the masking scans) and applied
// to the mirror as it comes, like a viewer on a reliable channel would.
import { capture, Mirror, type CaptureHandle, type MaskOptions } from '../../src/index.js';
import { compareDocuments, counterpart, type CompareOptions } from './compare.js';
import { assertNoDiffs } from './assert.js';

export const SHARER_WIDTH = 480;
export const SHARER_HEIGHT = 360;
const GAP = 16;

export interface Sharer {
  frame: HTMLIFrameElement;
  doc: Document;
  win: Window & typeof globalThis;
}

export interface SharerOptions {
  /** Page source, loaded with `srcdoc` (the base URL is the test page's). */
  html?: string;
  /** A URL served by the test runner, e.g. `/test/fixtures/page.sjis.html`. */
  url?: string;
  width?: number;
  height?: number;
  /** Called with the frame before it is inserted (e.g. to install hooks from `onload`). */
  beforeInsert?: (frame: HTMLIFrameElement) => void;
}

const live = new Set<{ dispose(): void }>();

function stage(): HTMLElement {
  let el = document.getElementById('fidelity-stage');
  if (!el) {
    el = document.createElement('div');
    el.id = 'fidelity-stage';
    el.style.cssText = 'position:fixed;left:0;top:0;margin:0;padding:0;z-index:1;background:#fff';
    document.body.appendChild(el);
    document.body.style.margin = '0';
  }
  return el;
}

/** Waits for the next `load` of a frame (after setting its src/srcdoc). */
export function frameLoaded(frame: HTMLIFrameElement): Promise<void> {
  return new Promise((resolve) => frame.addEventListener('load', () => resolve(), { once: true }));
}

/** A sharer page in a same-origin iframe, loaded. */
export async function createSharer(options: SharerOptions = {}): Promise<Sharer> {
  const frame = document.createElement('iframe');
  const width = options.width ?? SHARER_WIDTH;
  const height = options.height ?? SHARER_HEIGHT;
  frame.style.cssText = `position:absolute;left:0;top:0;width:${width}px;height:${height}px;border:0;margin:0;padding:0;display:block`;
  const loaded = frameLoaded(frame);
  if (options.url) frame.src = options.url;
  else frame.srcdoc = options.html ?? '<!doctype html><html><head></head><body></body></html>';
  options.beforeInsert?.(frame);
  stage().appendChild(frame);
  await loaded;
  const disposable = { dispose: () => frame.remove() };
  live.add(disposable);
  return { frame, doc: frame.contentDocument!, win: frame.contentWindow as Window & typeof globalThis };
}

/** An empty sharer frame whose document is replaced by `load` handlers; for "before render" tests. */
export function createBareFrame(width = SHARER_WIDTH, height = SHARER_HEIGHT): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.style.cssText = `position:absolute;left:0;top:0;width:${width}px;height:${height}px;border:0;margin:0;padding:0;display:block`;
  live.add({ dispose: () => frame.remove() });
  return frame;
}

export function mountFrame(frame: HTMLIFrameElement): void {
  stage().appendChild(frame);
}

export const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

function raf(win: Window): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        resolve();
      }
    };
    try {
      win.requestAnimationFrame(() => finish());
    } catch {
      /* detached window */
    }
    setTimeout(finish, 100); // a hidden or detached frame never gets one
  });
}

/** Polls `predicate` until it holds (for throttled state: canvas images, media). Rejects after `ms`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, ms = 4000, what = 'condition'): Promise<void> {
  const end = performance.now() + ms;
  for (;;) {
    if (await predicate()) return;
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface SessionOptions {
  mask?: MaskOptions;
  mirrorOptions?: Record<string, unknown>;
  /** Apply snapshots asked for by `join()` to the main mirror too (default: only to the joiner). */
  applyResyncToMain?: boolean;
}

/** The frame kind byte (0 snapshot, 1 delta); see src/protocol/SPEC.md. */
export const frameKind = (frame: Uint8Array): number => frame[1];

export class Session {
  readonly frames: Uint8Array[] = [];
  readonly mirror: Mirror;
  readonly container: HTMLElement;
  handle!: CaptureHandle;
  /** Errors thrown by `mirror.apply` (rethrown by `settle`). */
  readonly errors: { frame: number; error: unknown }[] = [];
  readonly joiners: Mirror[] = [];
  private pendingJoiners: Mirror[] = [];
  private stopped = false;

  constructor(
    readonly sharer: Sharer,
    readonly options: SessionOptions = {},
  ) {
    this.container = document.createElement('div');
    const w = sharer.frame.offsetWidth || SHARER_WIDTH;
    const h = sharer.frame.offsetHeight || SHARER_HEIGHT;
    this.container.style.cssText = `position:absolute;left:${w + GAP}px;top:0;width:${w}px;height:${h}px;overflow:hidden;margin:0;padding:0`;
    stage().appendChild(this.container);
    this.mirror = new Mirror(
      this.container,
      mirrorOptions(options, (error) => this.errors.push({ frame: -1, error })),
    );
  }

  /** Starts capturing the sharer's current document. */
  /** Starts capturing; `captureFn` lets a page start it with its own copy (the IIFE in its realm). */
  start(doc: Document = this.sharer.doc, captureFn: typeof capture = capture): this {
    this.handle = captureFn(doc, { onFrame: (f) => this.onFrame(f), mask: this.options.mask });
    return this;
  }

  private onFrame(raw: Uint8Array): void {
    const frame = raw.slice(); // keep our own copy: the capture may reuse its buffer
    const index = this.frames.length;
    this.frames.push(frame);
    const isSnapshot = frameKind(frame) === 0;
    const targets: Mirror[] = [];
    if (isSnapshot && this.pendingJoiners.length) {
      this.joiners.push(...this.pendingJoiners);
      targets.push(...this.pendingJoiners);
      this.pendingJoiners = [];
      if (this.options.applyResyncToMain) targets.push(this.mirror);
    } else {
      targets.push(this.mirror, ...this.joiners);
    }
    for (const m of targets) {
      try {
        m.apply(frame);
      } catch (error) {
        this.errors.push({ frame: index, error });
      }
    }
  }

  /**
   * Waits until the capture has flushed everything pending (no new frame for two quiet rounds). A
   * snapshot still being written (a large page's comes in slices, over many tasks) is waited for: up
   * to ~10 s.
   */
  async settle(): Promise<void> {
    let quiet = 0;
    for (let i = 0; i < 600 && quiet < 2; i++) {
      const n = this.frames.length;
      await tick();
      await raf(this.sharer.win);
      await tick();
      // and a large snapshot still being built by a mirror (over several tasks)
      const waiting = n === 0 || this.pendingJoiners.length > 0 || [this.mirror, ...this.joiners].some((m) => m.building);
      quiet = this.frames.length === n && !waiting ? quiet + 1 : 0;
      if (i >= 60 && !waiting) break;
    }
    this.throwErrors();
  }

  throwErrors(): void {
    if (this.errors.length) {
      const { frame, error } = this.errors[0];
      const e = error as Error;
      throw new Error(`mirror.apply threw on frame ${frame} (${this.errors.length} error(s)): ${e?.name}: ${e?.message}`);
    }
  }

  /** The sharer's top document now (it may have been replaced by a navigation). */
  get doc(): Document {
    return this.sharer.frame.contentDocument ?? this.sharer.doc;
  }

  compare(options: CompareOptions = {}, mirror: Mirror = this.mirror): string[] {
    return compareDocuments(this.doc, mirror.document, { mirror: mirror as never, ...options });
  }

  /**
   * settle(), then sharer and mirror must not differ. A difference may last a moment after the frames
   * are applied while the mirror's own resources load (a broken image's alt box, a video's box are
   * 0 px until the request is over): compared again for up to 3 s, on a busy machine (three engines
   * side by side) too, before it counts. A difference that stays fails as before.
   */
  async expectSame(message = 'sharer and mirror differ', options: CompareOptions = {}): Promise<void> {
    await this.settle();
    for (const mirror of [this.mirror, ...this.joiners]) {
      await waitFor(() => this.compare(options, mirror).length === 0, 3000).catch(() => undefined);
      assertNoDiffs(this.compare(options, mirror), mirror === this.mirror ? message : `${message} (late joiner)`);
    }
  }

  /** A late joiner: a second Mirror that gets the next snapshot (asked with resync()) and every delta after. */
  join(): Mirror {
    const container = document.createElement('div');
    const w = this.sharer.frame.offsetWidth || SHARER_WIDTH;
    const h = this.sharer.frame.offsetHeight || SHARER_HEIGHT;
    container.style.cssText = `position:absolute;left:${2 * (w + GAP)}px;top:0;width:${w}px;height:${h}px;overflow:hidden`;
    stage().appendChild(container);
    const m = new Mirror(
      container,
      mirrorOptions(this.options, (error) => this.errors.push({ frame: -1, error })),
    );
    live.add({
      dispose: () => {
        m.destroy();
        container.remove();
      },
    });
    this.pendingJoiners.push(m);
    this.handle.resync();
    return m;
  }

  stop(): void {
    if (!this.stopped) {
      this.stopped = true;
      this.handle?.stop();
    }
  }

  dispose(): void {
    this.stop();
    try {
      this.mirror.destroy();
    } catch {
      /* reported by the mirror's own tests */
    }
    this.container.remove();
  }
}

/** Creates the mirror, starts capturing `sharer`, and waits for the first frames to be applied. */
export async function startSession(sharer: Sharer, options: SessionOptions = {}): Promise<Session> {
  const session = new Session(sharer, options);
  live.add(session);
  session.start();
  await session.settle();
  return session;
}

/** Removes every sharer, mirror and session made by the current test (call from afterEach). */
export function cleanup(): void {
  for (const d of [...live].reverse()) {
    try {
      d.dispose();
    } catch {
      /* keep cleaning */
    }
  }
  live.clear();
}

/** Where an element of the sharer page is, in the test page's (top) viewport: its centre. */
export function topPoint(sharer: Sharer, el: Element): [number, number] {
  const f = sharer.frame.getBoundingClientRect();
  const r = el.getBoundingClientRect();
  return [Math.round(f.left + r.left + r.width / 2), Math.round(f.top + r.top + r.height / 2)];
}

/** A seeded PRNG (mulberry32): the same seed gives the same sequence, so failures replay. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Occurrences of `needle` in `haystack` (byte search). */
export function countBytes(haystack: Uint8Array, needle: Uint8Array): number {
  let count = 0;
  const n = needle.length;
  if (!n) return 0;
  const first = needle[0];
  outer: for (let i = haystack.indexOf(first); i !== -1 && i <= haystack.length - n; i = haystack.indexOf(first, i + 1)) {
    for (let j = 1; j < n; j++) if (haystack[i + j] !== needle[j]) continue outer;
    count++;
  }
  return count;
}

/** Dispatches `input` (and `change`) like a user edit after setting the value natively. */
export function typeInto(el: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  const proto = Object.getPrototypeOf(el) as object;
  const desc = Object.getOwnPropertyDescriptor(proto, 'value');
  // set through the native setter (as the browser does on a keystroke), then the events a user edit fires
  if (desc?.set) desc.set.call(el, value);
  else el.value = value;
  const win = el.ownerDocument.defaultView!;
  el.dispatchEvent(new win.InputEvent('input', { bubbles: true, composed: true, inputType: 'insertText', data: value }));
  el.dispatchEvent(new win.Event('change', { bubbles: true }));
}

/** The mirror's counterpart of a node of the sharer (by position). */
export function mirrorOf<T extends Node>(session: Session, sharerNode: T, mirror: Mirror = session.mirror): T | null {
  if (!mirror.document) return null;
  return counterpart(sharerNode, session.doc, mirror.document, mirror as never) as T | null;
}

/** Registers something for `cleanup()` (e.g. a Session made by hand). */
export function track<T extends { dispose(): void }>(x: T): T {
  live.add(x);
  return x;
}

/** Waits until every `<link rel=stylesheet>` of the document has its sheet. */
export async function waitLinkSheet(doc: Document): Promise<void> {
  for (const link of Array.from(doc.querySelectorAll('link[rel=stylesheet]')) as HTMLLinkElement[]) {
    if (!link.sheet) await new Promise((r) => link.addEventListener('load', r, { once: true }));
  }
}

/**
 * settle(), then waits (bounded, 10 s) until the mirror's linked sheets and images have loaded: each
 * `<link rel=stylesheet>` has its sheet (or its request is over) and each `<img>` is complete (loaded
 * or failed). Polled, not awaited as events: WebKit runs no listener in the mirror's script-less
 * document, not even ours, so a `load` listener there never fires.
 */
export async function waitMirrorLinks(s: Session, mirror: Mirror = s.mirror): Promise<void> {
  await s.settle();
  const md = mirror.document;
  if (!md) return;
  // a link is done with its sheet, or when its request is over (a resource-timing entry: failed ones too)
  const done = (l: HTMLLinkElement) => !!l.sheet || !!md.defaultView?.performance.getEntriesByName(l.href).length;
  const loaded = (): boolean =>
    (Array.from(md.querySelectorAll('link[rel=stylesheet]')) as HTMLLinkElement[]).every(done) &&
    (Array.from(md.images) as HTMLImageElement[]).every((img) => img.complete);
  // bounded, not asserted (a link the policy blocks is never requested: the comparison tells); a busy
  // machine (three engines side by side) can take seconds to answer even a 404
  await waitFor(loaded, 10_000).catch(() => undefined);
  await raf(window); // laid out with what arrived (the mirror's own frame callbacks may not run: see above)
}

/**
 * The harness's sharer pages are served from the test page's own origin, which is also the "console"
 * origin the mirror never loads from by `'page'` (resources.ts): the tests list it explicitly, as a
 * console that knows its site would.
 */
function mirrorOptions(options: SessionOptions, onReject?: (error: unknown) => void): ConstructorParameters<typeof Mirror>[1] {
  const given = (options.mirrorOptions ?? {}) as ConstructorParameters<typeof Mirror>[1] & object;
  // a large snapshot is applied over several tasks: its rejection comes later, not from apply()
  return { resourceOrigins: ['page', location.origin], ...(onReject && { onReject }), ...given };
}

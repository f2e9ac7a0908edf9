// Browser side of the test runner's server commands: real mouse and keyboard (built into
// web-test-runner through @web/test-runner-commands) and our own plugin (screenshot-plugin.mjs):
// pixel comparison of two rects and real IME composition.
import { executeServerCommand, sendKeys, sendMouse, resetMouse } from '@web/test-runner-commands';

export { sendKeys, sendMouse, resetMouse };

/**
 * Types `text` with real keys into the focused `field`, one key at a time, each checked: WebKitGTK's
 * WebDriver drops keys (within one sequence a key that repeats the one before it, '1223' arriving as
 * '123'; on a busy machine now and then the last key of a sequence). A key that has not reached the
 * field within a second is pressed again (at most twice more); a field that still misses one fails
 * the caller's own check.
 */
export async function typeKeys(text: string, field: HTMLInputElement | HTMLTextAreaElement): Promise<void> {
  for (const c of text) {
    const want = field.value + c;
    for (let attempt = 0; attempt < 3 && field.value !== want; attempt++) {
      await sendKeys({ type: c });
      const until = performance.now() + 1000;
      while (field.value !== want && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
    }
  }
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface PixelDiff {
  width: number;
  height: number;
  differing: number;
  ratio: number;
  /** Pixels of the first rect that are not near-white (a blank pair must not pass). */
  inked: number;
  first: [number, number];
}

function rectOf(el: Element): Rect {
  const r = el.getBoundingClientRect();
  return { x: r.left, y: r.top, width: r.width, height: r.height };
}

/** Screenshots both elements (of the test page) at the same size and counts differing pixels. */
export async function pixelDiff(a: Element, b: Element, tolerance = 8): Promise<PixelDiff> {
  return (await executeServerCommand('cobrowse-pixel-diff', { a: rectOf(a), b: rectOf(b), tolerance })) as PixelDiff;
}

/** Whether our server plugin is wired into the runner config. */
export async function hasFidelityCommands(): Promise<boolean> {
  try {
    await executeServerCommand('cobrowse-ime', { steps: [] });
    return true;
  } catch {
    return false;
  }
}

/** A request seen by the browser's network layer. */
export interface SeenRequest {
  url: string;
  /** Why it never left the browser ('csp', ...), or ''. */
  blocked: string;
  /** The DevTools id of the frame that made it. */
  frame: string;
  /** The `Referer` header it was sent with ('' for none). */
  referrer: string;
}
/** The page's frames when the watch ended (DevTools ids, `name` as the frame element's name). */
export interface SeenFrame {
  id: string;
  parent: string;
  name: string;
}
export interface SeenNetwork {
  requests: SeenRequest[];
  frames: SeenFrame[];
}

/**
 * Watches every request the test page and its in-process frames make, at the network layer, until
 * the returned function is called (it resolves to the requests seen and the frame tree).
 */
export async function watchNetwork(): Promise<() => Promise<SeenNetwork>> {
  await executeServerCommand('cobrowse-network', { action: 'start' });
  return async () => (await executeServerCommand('cobrowse-network', { action: 'stop' })) as SeenNetwork;
}

/** The ids of the frame named `name` and of every frame inside it. */
export function framesInside(frames: SeenFrame[], name: string): Set<string> {
  const inside = new Set(frames.filter((f) => f.name === name).map((f) => f.id));
  for (let grew = true; grew;) {
    grew = false;
    for (const f of frames) if (inside.has(f.parent) && !inside.has(f.id)) grew = !!inside.add(f.id);
  }
  return inside;
}

/** IME input into the focused element: each `compose` updates the composition, `commit` ends it. */
export async function ime(steps: ({ compose: string } | { commit: string })[]): Promise<void> {
  await executeServerCommand('cobrowse-ime', { steps });
}

/** `key` pressed while `modifiers` are held, e.g. Shift+Tab (works in every engine of the runner). */
export async function keyChord(modifiers: ('Shift' | 'Control' | 'Alt' | 'Meta')[], key: string): Promise<void> {
  await executeServerCommand('cobrowse-key-chord', { modifiers, key });
}

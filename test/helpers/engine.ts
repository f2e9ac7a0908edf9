// What the browser running the tests can do, and named skips for what it cannot. The browser tests run
// in Chromium, Firefox and WebKit (WTR_BROWSERS); a check that one engine cannot run is skipped there
// with the reason in its name, so the run's summary lists it (test/count-reporter.mjs) instead of
// passing silently.
import { executeServerCommand } from '@web/test-runner-commands';

/** mocha's `this` in a test or a beforeEach hook: the test (to rename) and skip(). */
interface SkipContext {
  test?: { title: string };
  currentTest?: { title: string };
  skip(): never;
}

/** Skips the current test, its name saying why (`this` of an it() body or a beforeEach hook). */
export function skipBecause(ctx: SkipContext, reason: string): never {
  // in a beforeEach hook `test` is the hook itself; the test being skipped is `currentTest`
  const test = ctx.currentTest ?? ctx.test;
  if (test && !test.title.includes('[skipped:')) test.title = `${test.title} [skipped: ${reason}]`;
  return ctx.skip();
}

/** Whether this browser has WebRTC data channels. Debian's WebKitGTK has no RTCPeerConnection. */
export const hasWebRTC = typeof globalThis.RTCPeerConnection === 'function';

/** For a beforeEach (or an it body) of tests that need a real RTCPeerConnection. */
export function needsWebRTC(ctx: SkipContext): void {
  if (!hasWebRTC) skipBecause(ctx, 'this browser has no RTCPeerConnection (WebKitGTK); WebRTC is tested in Chromium and Firefox');
}

export interface Abilities {
  /** The runner's engine name (Chrome, Firefox, WebKit). */
  engine: string;
  /** Screenshots for pixelDiff. */
  screenshots: boolean;
  /** The DevTools network log for watchNetwork (Chromium only). */
  networkLog: boolean;
  /** Real IME composition through DevTools (Chromium only). */
  ime: boolean;
}

let abilities: Promise<Abilities> | undefined;
/** What the test runner's server plugin can do with this browser (test/helpers/screenshot-plugin.mjs). */
export function serverAbilities(): Promise<Abilities> {
  abilities ??= executeServerCommand('cobrowse-abilities') as Promise<Abilities>;
  return abilities;
}

/** For a test that watches the viewer's network log (test/helpers/commands.ts watchNetwork). */
export async function needsNetworkLog(ctx: SkipContext): Promise<void> {
  const { engine, networkLog } = await serverAbilities();
  // a viewer-side check: the agent's console is a current Chromium, and only its DevTools tell blocked loads
  if (!networkLog) skipBecause(ctx, `needs the DevTools network log, which ${engine} does not have (viewer side: Chromium only)`);
}

/**
 * For a test that draws with WebGL, given the context it got. Headless Chromium (--disable-gpu) has
 * WebGL through SwiftShader, so there a missing context is a broken setup and the test goes on to fail;
 * headless Firefox on a machine without a GPU has none at all (webgl.force-enabled does not help).
 */
export async function needsWebGL(ctx: SkipContext, gl: unknown): Promise<void> {
  if (gl) return;
  const { engine } = await serverAbilities();
  if (engine !== 'Chrome') skipBecause(ctx, `${engine} has no WebGL context here (headless, no GPU)`);
}

/**
 * Skips the current test in `engine` only (a runner name: Chrome, Firefox, WebKit), for a fault of that
 * engine itself, named precisely in `reason`.
 */
export async function skipIn(ctx: SkipContext, engine: string, reason: string): Promise<void> {
  if ((await serverAbilities()).engine === engine) skipBecause(ctx, `${engine}: ${reason}`);
}

/**
 * For a check of the VIEWER side (the mirror rendering in this browser) that one engine fails for a
 * reason of its own. The agent's console is a current Chromium (issue 15); the sharer side runs in every
 * engine. Skipped in `engine` only, the reason in the test's name.
 */
export async function viewerSideSkipIn(ctx: SkipContext, engine: string, reason: string): Promise<void> {
  if ((await serverAbilities()).engine === engine) skipBecause(ctx, `${engine} as the viewer: ${reason}; the agent's console is Chromium`);
}
